using Microsoft.Extensions.Logging;
using Vrrp.Packets;

namespace Vrrp.Runtime;

// keepalived's phrases (users grep them): see docs/keepalived-compat.md. Event ids are fixed.
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "({Instance}) Entering {State} STATE")]
    public static partial void EnteringState(ILogger logger, string instance, string state);

    [LoggerMessage(2, LogLevel.Information, "({Instance}) Stopped")]
    public static partial void Stopped(ILogger logger, string instance);

    [LoggerMessage(3, LogLevel.Information, "({Instance}) Receive advertisement timeout")]
    public static partial void ReceiveTimeout(ILogger logger, string instance);

    [LoggerMessage(4, LogLevel.Information, "({Instance}) Master received advert from {Source} with higher priority {Priority}, ours {Ours}")]
    public static partial void HigherPriority(ILogger logger, string instance, IPAddressValue source, byte priority, byte ours);

    [LoggerMessage(5, LogLevel.Information, "({Instance}) received lower priority ({Priority}) advert from {Source} - discarding")]
    public static partial void LowerPriority(ILogger logger, string instance, byte priority, IPAddressValue source);

    [LoggerMessage(6, LogLevel.Information, "({Instance}) Sending gratuitous ARP on {Interface} for {Address}")]
    public static partial void SendingGratuitousArp(ILogger logger, string instance, string @interface, IPAddressValue address);

    [LoggerMessage(7, LogLevel.Information, "({Instance}) Sending Unsolicited Neighbour Adverts on {Interface} for {Address}")]
    public static partial void SendingUnsolicitedNeighbourAdvert(ILogger logger, string instance, string @interface, IPAddressValue address);

    [LoggerMessage(8, LogLevel.Information, "({Instance}) sent 0 priority")]
    public static partial void SentZeroPriority(ILogger logger, string instance);

    [LoggerMessage(9, LogLevel.Information, "({Instance}) removing VIPs.")]
    public static partial void RemovingVips(ILogger logger, string instance);

    [LoggerMessage(10, LogLevel.Information, "({Instance}) setting VIPs.")]
    public static partial void SettingVips(ILogger logger, string instance);

    [LoggerMessage(11, LogLevel.Warning, "({Instance}) received an invalid passwd!")]
    public static partial void InvalidPassword(ILogger logger, string instance);

    [LoggerMessage(12, LogLevel.Warning, "({Instance}) advertisement interval mismatch mine={Mine} sec rcv'd={Received} sec")]
    public static partial void IntervalMismatch(ILogger logger, string instance, int mine, int received);

    [LoggerMessage(13, LogLevel.Warning, "({Instance}) dropped a packet from {Source}: {Reason}")]
    public static partial void Dropped(ILogger logger, string instance, IPAddressValue source, DropReason reason);

    [LoggerMessage(63, LogLevel.Information, "Unknown VRID({Vrid}) received on interface({Interface}). ignoring...")]
    public static partial void UnknownVirtualRouterId(ILogger logger, byte vrid, string @interface);

    [LoggerMessage(14, LogLevel.Debug, "Dropped a packet from {Source} on {Interface}: {Reason}")]
    public static partial void DroppedUnattributed(ILogger logger, IPAddressValue source, string @interface, DropReason reason);

    [LoggerMessage(15, LogLevel.Warning, "({Instance}) the address owner received an advert from {Source} with priority {Priority}")]
    public static partial void OwnerReceivedAdvertisement(ILogger logger, string instance, IPAddressValue source, byte priority);

    [LoggerMessage(16, LogLevel.Warning, "({Instance}) advert from {Source} lists other addresses than ours (not dropped)")]
    public static partial void AddressListMismatch(ILogger logger, string instance, IPAddressValue source);

    [LoggerMessage(17, LogLevel.Information, "({Instance}) Changing effective priority to {Priority}")]
    public static partial void PriorityChanged(ILogger logger, string instance, byte priority);

    [LoggerMessage(18, LogLevel.Warning, "({Instance}) removing leftover VIP {Address} from {Interface} (left by a previous run)")]
    public static partial void LeftoverAddress(ILogger logger, string instance, IPAddressValue address, string @interface);

    [LoggerMessage(19, LogLevel.Warning, "({Instance}) VIP {Address} was removed from {Interface} while master; putting it back")]
    public static partial void AddressRemovedExternally(ILogger logger, string instance, IPAddressValue address, string @interface);

    [LoggerMessage(20, LogLevel.Error, "({Instance}) could not send an advertisement")]
    public static partial void SendFailed(ILogger logger, string instance, Exception exception);

    [LoggerMessage(21, LogLevel.Error, "Receiving on {Interface} ({Family}) failed; retrying")]
    public static partial void ReceiveFailed(ILogger logger, string @interface, VrrpAddressFamily family, Exception exception);

    [LoggerMessage(22, LogLevel.Error, "({Instance}) could not {Operation} the virtual addresses")]
    public static partial void AddressOperationFailed(ILogger logger, string instance, string operation, Exception exception);

    [LoggerMessage(23, LogLevel.Error, "({Instance}) could not announce the virtual addresses")]
    public static partial void AnnounceFailed(ILogger logger, string instance, Exception exception);

    [LoggerMessage(24, LogLevel.Error, "An observer threw; ignored")]
    public static partial void ObserverFailed(ILogger logger, Exception exception);

    [LoggerMessage(25, LogLevel.Error, "Watching links failed; link and address events are no longer followed")]
    public static partial void LinkWatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(26, LogLevel.Information, "({Instance}) Link on {Interface} is {LinkState}")]
    public static partial void LinkChanged(ILogger logger, string instance, string @interface, string linkState);

    [LoggerMessage(27, LogLevel.Information, "({Instance}) sync group {Group}: following another member")]
    public static partial void SyncGroupFollow(ILogger logger, string instance, string group);

    [LoggerMessage(28, LogLevel.Information, "({Instance}) advertisement interval changed: mine {Mine} ms, learned {Learned} ms from master {Source}")]
    public static partial void IntervalLearned(ILogger logger, string instance, double mine, int learned, IPAddressValue source);

    [LoggerMessage(61, LogLevel.Information, "({Instance}) Setting unicast VRRPv3 checksum to old version (advert from {Source} had it)")]
    public static partial void OldUnicastChecksumAdopted(ILogger logger, string instance, IPAddressValue source);

    [LoggerMessage(62, LogLevel.Warning, "({Instance}) No VIP specified; at least one is sensible (VRRPv2 adverts without addresses are sent)")]
    public static partial void NoVirtualAddresses(ILogger logger, string instance);

    [LoggerMessage(63, LogLevel.Warning, "({Instance}) Invalid auth type: {Type}")]
    public static partial void InvalidAuthenticationType(ILogger logger, string instance, byte type);

    [LoggerMessage(29, LogLevel.Warning, "({Instance}) received an advert from our own address {Source}: another host on the segment has the same address (or the advert looped back); both may act as master")]
    public static partial void OwnAddressAdvert(ILogger logger, string instance, IPAddressValue source);

    [LoggerMessage(31, LogLevel.Information, "({Instance}) {Address} is already on {Interface}: the address owner's own address, kept (never removed)")]
    public static partial void OwnerAddressRetained(ILogger logger, string instance, IPAddressValue address, string @interface);

    [LoggerMessage(32, LogLevel.Warning, "({Instance}) invalid TTL/HL. Received {HopLimit} and expect 255 (multicast advert from {Source})")]
    public static partial void InvalidTtl(ILogger logger, string instance, int hopLimit, IPAddressValue source);

    [LoggerMessage(33, LogLevel.Warning, "({Instance}) TTL/HL {HopLimit} not in range {Minimum} - {Maximum} (unicast advert from {Source})")]
    public static partial void TtlOutOfRange(ILogger logger, string instance, int hopLimit, byte minimum, byte maximum, IPAddressValue source);

    [LoggerMessage(34, LogLevel.Error, "({Instance}) could not {Operation} (the platform's part: virtual MAC, routes and rules, Accept_Mode filter)")]
    public static partial void ResourceOperationFailed(ILogger logger, string instance, string operation, Exception exception);

    [LoggerMessage(30, LogLevel.Warning, "({Instance}) {Source} and {Other} both advertise priority 255: two routers claim to own the virtual addresses")]
    public static partial void MultipleOwners(ILogger logger, string instance, IPAddressValue source, IPAddressValue other);

    [LoggerMessage(32, LogLevel.Information, "({Instance}) removing VIP {Address} from {Interface}: no longer in the configuration")]
    public static partial void ReloadRemovesAddress(ILogger logger, string instance, IPAddressValue address, string @interface);

    [LoggerMessage(33, LogLevel.Error, "({Instance}) could not start after the reload")]
    public static partial void ReloadStartFailed(ILogger logger, string instance, Exception exception);

    [LoggerMessage(34, LogLevel.Warning, "({Instance}) VRRP version mismatch: {Peer} on {Interface} sends VRRPv{PeerVersion} adverts for VRID {Vrid}, this instance speaks VRRPv{Version}; the two ignore each other and may both be master. Configure one version on every router of the VRID (option Version, keepalived 'version'; keepalived defaults to 2, this library to 3). Logged once per episode (it ends after {Window} without such an advert)")]
    public static partial void VersionMismatch(ILogger logger, string instance, IPAddressValue peer, string @interface, int peerVersion, byte vrid, int version, TimeSpan window);

    [LoggerMessage(35, LogLevel.Warning, "({Instance}) drained: never takes over until resumed (a master sends priority 0 and steps down)")]
    public static partial void Drained(ILogger logger, string instance);

    [LoggerMessage(36, LogLevel.Information, "({Instance}) resumed: taking part in elections again")]
    public static partial void Resumed(ILogger logger, string instance);

    [LoggerMessage(37, LogLevel.Information, "({Instance}) priority override {Override}")]
    public static partial void PriorityOverride(ILogger logger, string instance, string @override);

    [LoggerMessage(50, LogLevel.Warning, "({Instance}) Entering FAULT STATE: {Reason}; retrying in {Seconds} s (sooner if a link of its addresses comes up)")]
    public static partial void AddressFault(ILogger logger, string instance, string reason, double seconds);

    [LoggerMessage(51, LogLevel.Information, "({Instance}) retrying the virtual addresses ({Why}): leaving FAULT for the election")]
    public static partial void AddressFaultRetry(ILogger logger, string instance, string why);

    [LoggerMessage(52, LogLevel.Warning, "Interface {Interface} was deleted: its VRRP sockets are closed until it is back")]
    public static partial void InterfaceDeleted(ILogger logger, string @interface);

    [LoggerMessage(53, LogLevel.Information, "Interface {Interface} is back: VRRP {Family} sockets reopened, sending from {Address}")]
    public static partial void ChannelReopened(ILogger logger, string @interface, VrrpAddressFamily family, IPAddressValue address);

    [LoggerMessage(54, LogLevel.Information, "Interface {Interface} is back but its VRRP sockets cannot be opened yet ({Reason}); trying again at its next change")]
    public static partial void ReopenPending(ILogger logger, string @interface, string reason);

    [LoggerMessage(63, LogLevel.Information, "Configuration specifies interface {Interface} which cannot be used yet ({Reason}) - will use if created (dynamic_interfaces); its instances are in FAULT until then")]
    public static partial void InterfaceNotThereYet(ILogger logger, string @interface, string reason);

    [LoggerMessage(55, LogLevel.Warning, "{Reason} The instances on a deleted interface stay in FAULT until the driver is restarted")]
    public static partial void ReopenUnsupported(ILogger logger, string reason);

    [LoggerMessage(56, LogLevel.Warning, "Closing the VRRP sockets of deleted interface {Interface} failed")]
    public static partial void ChannelCloseFailed(ILogger logger, string @interface, Exception error);

    [LoggerMessage(57, LogLevel.Warning, "({Instance}) split brain: {Peer} on {Interface} also acts as master for VRID {Vrid} (its priority {PeerPriority}, ours {Priority}) and keeps advertising after our answer: it does not hear us (a one-way link or filter, another authentication or version) or does not step down. Answering each of its adverts and re-announcing our addresses (garp_lower_prio_repeat/garp_lower_prio_delay). Logged once per episode (it ends after {Window} without its adverts)")]
    public static partial void SplitBrain(ILogger logger, string instance, IPAddressValue peer, string @interface, byte vrid, byte peerPriority, byte priority, TimeSpan window);

    [LoggerMessage(58, LogLevel.Warning, "({Instance}) cannot look for a leftover {Address} on {Interface} ({Reason}); the interface may come later")]
    public static partial void LeftoverCheckFailed(ILogger logger, string instance, IPAddressValue address, string @interface, string reason);

    [LoggerMessage(59, LogLevel.Information, "{Interface}: link {Direction} delayed by {Seconds} s (interface_up_down_delays)")]
    public static partial void LinkChangeDelayed(ILogger logger, string @interface, string direction, double seconds);

    [LoggerMessage(60, LogLevel.Information, "Delay timer for {Interface} cancelled")]
    public static partial void LinkDelayCancelled(ILogger logger, string @interface);
}
