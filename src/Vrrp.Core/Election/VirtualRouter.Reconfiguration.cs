using System.Diagnostics.CodeAnalysis;
using Vrrp.Packets;

namespace Vrrp.Election;

// A configuration reload applied to a running router: what changes in place, and what the change makes it do.
public partial class VirtualRouter
{
    /// <summary>
    /// Applies a new configuration to the router in place, keeping its state, its timers, its counters and the values
    /// its trackers last reported (a configuration reload, keepalived's SIGHUP). The virtual router id, the address
    /// family and the interface cannot change (that is another virtual router: remove this one and add it).
    /// </summary>
    /// <remarks>
    /// <para>What follows from the change, in the router's actions: a new effective priority is reported
    /// (<see cref="VirtualRouterActionKind.PriorityChanged"/>) and, when master, advertised at once, so that the
    /// election decides (a backup that now outranks this master takes over after its Master_Down_Interval, as for a
    /// tracker's weight). A master whose advertisement changed (addresses, interval, version, authentication, peers)
    /// advertises at once; one that got new virtual addresses adds and announces them
    /// (<see cref="VirtualRouterActionKind.AddAddresses"/> and <see cref="VirtualRouterActionKind.Announce"/> with
    /// <see cref="AnnouncementReason.Reload"/>): removing the addresses it no longer has is the driver's work, since
    /// only the driver knows which ones it put on. A router that becomes the address owner (priority 255) while Backup
    /// takes over at once; trackers that put it in Fault (or clear one) move it as they would when reported.</para>
    /// <para>Trackers are matched by kind and name: one in both configurations keeps its last value, a new one starts
    /// at its <see cref="TrackerConfiguration.InitialValue"/>.</para>
    /// </remarks>
    /// <param name="configuration">The new configuration (validated here).</param>
    /// <param name="now">The current time.</param>
    /// <exception cref="ArgumentException">The configuration is invalid, or its VRID, family or interface differs.</exception>
    public void Reconfigure(VirtualRouterConfiguration configuration, long now)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.Validate();
        var old = _config;
        if (configuration.VirtualRouterId != old.VirtualRouterId || configuration.Family != old.Family ||
            !string.Equals(configuration.InterfaceName, old.InterfaceName, StringComparison.Ordinal) ||
            !string.Equals(configuration.Vrf, old.Vrf, StringComparison.Ordinal) ||
            configuration.MulticastGroup != old.MulticastGroup)
        {
            throw new ArgumentException(
                $"Virtual router '{old.Name}': the virtual router id, family, interface and multicast group cannot change in place ({old.InterfaceName} VRID {old.VirtualRouterId} {old.Family}); remove it and add the new one.",
                nameof(configuration));
        }

        var tracked = new TrackedObjects(configuration.EffectiveTrackers) { WeightsIgnored = _tracked.WeightsIgnored };
        tracked.CopyValuesFrom(_tracked);
        bool advertChanged = !_advertised.AsSpan().SequenceEqual(AddressesOf(configuration)) ||
            configuration.Version != old.Version || configuration.AdvertisementInterval != old.AdvertisementInterval ||
            configuration.AuthenticationType != old.AuthenticationType ||
            !string.Equals(configuration.AuthenticationPassword, old.AuthenticationPassword, StringComparison.Ordinal) ||
            !configuration.UnicastPeers.SequenceEqual(old.UnicastPeers) || configuration.ChecksumMode != old.ChecksumMode ||
            configuration.OldUnicastChecksum != old.OldUnicastChecksum;
        bool newAddresses = AddressesOf(configuration).Any(a => Array.IndexOf(_advertised, a) < 0) ||
            configuration.ExcludedAddresses.Any(a => !old.ExcludedAddresses.Contains(a));

        ApplyConfiguration(configuration, tracked);
        if (!configuration.TrackSourceAddress || configuration.SourceAddress != old.SourceAddress)
        {
            _sourceAddressMissing = false; // track_src_ip off, or another address: re-learnt from the next address event
        }

        if (_state != VrrpState.Backup || _config.Version == VrrpVersion.V2 || !_masterAddress.HasValue)
        {
            // A master, or a backup that has not heard a v3 master yet, uses its own interval.
            _masterAdvertisementInterval = _advertisementInterval;
        }

        byte oldPriority = _effectivePriority;
        _effectivePriority = ComputeEffectivePriority();
        if (oldPriority != _effectivePriority)
        {
            Enqueue(new VirtualRouterAction { Kind = VirtualRouterActionKind.PriorityChanged, Priority = _effectivePriority, Time = now });
        }

        if (_state == VrrpState.Master)
        {
            if (advertChanged || oldPriority != _effectivePriority)
            {
                // Tell the backups at once: the new addresses, interval or priority (the election decides).
                SendAdvertisement(_effectivePriority, now);
                _advertisementDeadline = now + _advertisementInterval;
            }

            if (newAddresses)
            {
                Enqueue(new VirtualRouterAction { Kind = VirtualRouterActionKind.AddAddresses, Time = now });
                Announce(AnnouncementReason.Reload, _config.GarpMasterRepeat, now);
            }

            if (_garpMasterRefresh == 0 || _config.GarpMasterRefreshRepeat == 0)
            {
                _refreshDeadline = Off;
            }
            else if (_refreshDeadline == Off || _refreshDeadline > now + _garpMasterRefresh)
            {
                _refreshDeadline = now + _garpMasterRefresh;
            }
        }
        else if (_state == VrrpState.Backup)
        {
            if (!(_config.Preempt || _alwaysPreempt) || _preemptDelay == 0)
            {
                _preemptDeadline = Off;
            }

            if (_config.IsAddressOwner && !old.IsAddressOwner && !IsFaulted)
            {
                BecomeMaster(now, StateChangeReason.OwnerStartup);
                return;
            }

            if (_masterDownDeadline != Off && _masterDownDeadline > now + MasterDownInterval)
            {
                // A shorter interval: do not wait longer than the new Master_Down_Interval for the next advert.
                _masterDownDeadline = now + MasterDownInterval;
            }
        }

        if (_state is not (VrrpState.Initialize or VrrpState.Stopped))
        {
            ReevaluateFault(now);
        }
    }

    private static IPAddressValue[] AddressesOf(VirtualRouterConfiguration configuration)
    {
        var addresses = new IPAddressValue[configuration.VirtualAddresses.Count];
        for (int i = 0; i < addresses.Length; i++)
        {
            addresses[i] = configuration.VirtualAddresses[i].Address;
        }

        return addresses;
    }

    // Sets everything derived from the configuration (the constructor and Reconfigure); the state is left alone.
    [MemberNotNull(nameof(_config), nameof(_advertised), nameof(_password), nameof(_tracked), nameof(_destinations))]
    private void ApplyConfiguration(VirtualRouterConfiguration configuration, TrackedObjects tracked)
    {
        // keepalived's old unicast checksum: in use from the start with old_unicast_checksum; a switch learnt in Auto
        // mode is kept while the mode stays.
        if (_config is null || _config.OldUnicastChecksum != configuration.OldUnicastChecksum)
        {
            _oldUnicastChecksum = configuration.OldUnicastChecksum == OldUnicastChecksum.Always;
        }

        _config = configuration;
        _advertised = AddressesOf(configuration);
        _password = [];
        if (configuration.AuthenticationType is AuthenticationType.SimplePassword or AuthenticationType.IPAuthenticationHeader)
        {
            _password = new byte[VrrpPacket.AuthenticationDataLength];
            VrrpPacket.EncodePassword(configuration.AuthenticationPassword!, _password);
        }

        _tracked = tracked;
        _advertisementInterval = ProtocolTimers.ToNanoseconds(configuration.AdvertisementInterval);
        _wireInterval = configuration.Version == VrrpVersion.V2
            ? (ushort)(configuration.AdvertisementInterval.Ticks / TimeSpan.TicksPerSecond)
            : (ushort)configuration.AdvertisementIntervalCentiseconds;
        _preemptDelay = ProtocolTimers.ToNanoseconds(configuration.PreemptDelay);
        _garpMasterDelay = ProtocolTimers.ToNanoseconds(configuration.GarpMasterDelay);
        _garpMasterRefresh = ProtocolTimers.ToNanoseconds(configuration.GarpMasterRefresh);
        _garpLowerPriorityDelay = ProtocolTimers.ToNanoseconds(configuration.GarpLowerPriorityDelay);
        _garpExtraInterfaces = ProtocolTimers.ToNanoseconds(configuration.GarpExtraInterfacesInterval);
        _alwaysPreempt = configuration.IsAddressOwner;
        _destinations = configuration.UnicastPeers.Count > 0 ? [.. configuration.UnicastPeers] : [MulticastGroup];
    }
}
