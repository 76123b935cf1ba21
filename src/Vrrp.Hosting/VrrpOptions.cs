using Vrrp.Packets;

namespace Vrrp.Hosting;

// Ranges are checked by VrrpOptionsValidator from the option tables in Configuration/OptionFields.cs (which also bind
// configuration): a new option needs an entry there (a test checks every property has one).

// Options are plain mutable classes so that they bind from IConfiguration (appsettings.json) and can be filled by
// the keepalived.conf reader. Each property names the keepalived keyword it corresponds to.

/// <summary>All the virtual routers of a process and their shared settings (keepalived.conf's VRRP part).</summary>
public sealed class VrrpOptions
{
    /// <summary>The configuration section name used by <c>AddVrrp(configuration)</c>.</summary>
    public const string SectionName = "Vrrp";

    /// <summary>This node's name in logs and notifications (keepalived <c>router_id</c>); defaults to the host name.</summary>
    public string? RouterId { get; set; }

    /// <summary>
    /// The interface a <see cref="StaticAddresses"/> entry without <c>dev</c> goes on (keepalived <c>default_interface</c>);
    /// null for keepalived's default, eth0. In keepalived 2.2.7 it serves static addresses only: an instance's address
    /// without <c>dev</c> goes on the instance's interface, and an instance without one needs <c>dev</c>.
    /// </summary>
    public string? DefaultInterface { get; set; }

    /// <summary>
    /// keepalived's <c>dynamic_interfaces</c>: an instance's interface that does not exist at start (or has no address
    /// yet) is waited for: its instances start in Fault and run when it appears. Without it the start fails naming the
    /// instance and the interface, as keepalived refuses to start ("Non-existent interface specified in
    /// configuration"). Either way an interface deleted while running and created again (with another index) is
    /// followed by its name. Applied to the instances' own interfaces in the host's namespace.
    /// </summary>
    public bool DynamicInterfaces { get; set; }

    /// <summary>
    /// keepalived's <c>dynamic_interfaces allow_if_changes</c>: an interface may come back as another type (a macvlan
    /// where there was none, or on another parent). Vrrp follows a re-created interface by its name whatever its type,
    /// so this is accepted and written back and changes nothing; it needs <see cref="DynamicInterfaces"/>.
    /// </summary>
    public bool AllowInterfaceChanges { get; set; }

    /// <summary>The interface of a <see cref="StaticAddresses"/> entry without <c>dev</c>: <see cref="DefaultInterface"/>, else eth0.</summary>
    internal string StaticAddressInterface => string.IsNullOrEmpty(DefaultInterface) ? VirtualAddressSpec.DefaultStaticInterface : DefaultInterface;

    /// <summary>The network namespace every instance runs in unless it names its own (keepalived <c>net_namespace</c>).</summary>
    public string? NetworkNamespace { get; set; }

    /// <summary>A delay before the instances start (keepalived <c>vrrp_startup_delay</c>).</summary>
    public TimeSpan StartupDelay { get; set; }

    /// <summary>The virtual routers (keepalived <c>vrrp_instance</c> blocks).</summary>
    public List<VrrpInstanceOptions> Instances { get; set; } = [];

    /// <summary>
    /// Per-interface delays before a link change acts (keepalived's <c>interface_up_down_delays</c>): a link that goes
    /// down (or up) and comes back within the delay changes nothing. A delay not below twice the advert interval of an
    /// instance on the interface is cut to just below it, as keepalived does.
    /// </summary>
    public List<VrrpInterfaceDelayOptions> InterfaceDelays { get; set; } = [];

    /// <summary>Groups of instances that change state together (keepalived <c>vrrp_sync_group</c>).</summary>
    public List<VrrpSyncGroupOptions> SyncGroups { get; set; } = [];

    /// <summary>Check scripts that instances can track (keepalived <c>vrrp_script</c>).</summary>
    public List<VrrpScriptOptions> Scripts { get; set; } = [];

    /// <summary>Tracked files that instances can reference (keepalived <c>vrrp_track_file</c>).</summary>
    public List<VrrpTrackFileOptions> TrackFiles { get; set; } = [];

    /// <summary>
    /// How long one failover callback or notify script may run before it is abandoned (its cancellation token is
    /// signalled; a notify script is killed); default 30 s. Callbacks never delay the protocol either way.
    /// </summary>
    public TimeSpan CallbackTimeout { get; set; } = TimeSpan.FromSeconds(30);

    #region keepalived keywords: what a configuration asks for that the host cannot do

    /// <summary>
    /// Run a configuration that asks for something the host does not implement yet (an option such as
    /// <see cref="VrrpInstanceOptions.UseVirtualMac"/> that is read but not applied, or a keepalived tracker or keyword
    /// Vrrp does not read), without it, with a warning for each. By default (false) such a configuration is refused
    /// with an error that says what to use instead: an instance would run without the protection it asks for.
    /// keepalived.conf: <c>vrrpd_ignore_unsupported</c> in <c>global_defs</c> (a Vrrp extension).
    /// </summary>
    public bool IgnoreUnsupported { get; set; }

    #endregion

    #region keepalived keywords: multicast groups, notify FIFOs, script security, process tracking

    /// <summary>The IPv4 multicast group adverts go to (<c>vrrp_mcast_group4</c>); null is the RFC's 224.0.0.18.</summary>
    public string? MulticastGroup4 { get; set; }

    /// <summary>The IPv6 multicast group adverts go to (<c>vrrp_mcast_group6</c>, link-local); null is the RFC's ff02::12.</summary>
    public string? MulticastGroup6 { get; set; }

    /// <summary>A FIFO that gets a line per state change of every instance and group (<c>notify_fifo</c>), or null.</summary>
    public VrrpNotifyFifoOptions? NotifyFifo { get; set; }

    /// <summary>A FIFO for the VRRP events only (<c>vrrp_notify_fifo</c>), or null; keepalived writes to both when both are set.</summary>
    public VrrpNotifyFifoOptions? VrrpNotifyFifo { get; set; }

    /// <summary>
    /// Refuse to run scripts that a non-root user could change (<c>enable_script_security</c>): the script, or a directory
    /// on its path, writable by others than root, as keepalived checks.
    /// </summary>
    public bool EnableScriptSecurity { get; set; }

    /// <summary>The user scripts and notify commands run as unless they name their own (<c>script_user USER [GROUP]</c>), or null.</summary>
    public string? ScriptUser { get; set; }

    /// <summary>
    /// The group of <see cref="ScriptUser"/> (<c>script_user USER GROUP</c>), or null for the user's own group; one other
    /// than the user's own needs <see cref="VrrpScriptLauncher.RunIfRequested"/> (see <see cref="VrrpScriptOptions.Group"/>).
    /// </summary>
    public string? ScriptGroup { get; set; }

    /// <summary>
    /// After a reload, write each sync group's state and each kept instance's state that is not Master to the notify
    /// FIFOs (<c>fifo_write_vrrp_states_on_reload</c>), as keepalived 2.2.7 does: <c>GROUP "G1" BACKUP 0</c>,
    /// <c>INSTANCE "VI_1" BACKUP 100</c>. Without it (the default) a reload writes only the changes it makes.
    /// </summary>
    public bool FifoWriteStatesOnReload { get; set; }

    /// <summary>The gap between gratuitous ARPs sent on one interface (<c>vrrp_garp_interval</c>); zero sends them back to back.</summary>
    public TimeSpan GarpInterval { get; set; }

    /// <summary>The gap between unsolicited neighbour advertisements sent on one interface (<c>vrrp_gna_interval</c>); zero sends them back to back.</summary>
    public TimeSpan GnaInterval { get; set; }

    /// <summary>
    /// The start of the names of the interfaces named automatically (<c>vmac_prefix</c>): an instance's virtual-MAC
    /// interface or ipvlan without a name, and the addresses' virtual-MAC interfaces unless
    /// <see cref="VirtualMacAddressPrefix"/> is set. Null is keepalived's <c>vrrp</c>: <c>vrrp.VRID</c>, then (the
    /// name taken by an earlier instance) <c>vrrp1.VRID</c>, <c>vrrp2.VRID</c>... (IPv6 <c>vrrp6.VRID</c> first), cut
    /// to 15 characters at the end of the prefix, as keepalived 2.2.7 names them. Applied by the Linux platform.
    /// </summary>
    public string? VirtualMacPrefix { get; set; }

    /// <summary>The start of the names of the addresses' virtual-MAC interfaces (<c>vmac_addr_prefix</c>; <see cref="VrrpInstanceOptions.UseVirtualMacForAddresses"/>); null for <see cref="VirtualMacPrefix"/>.</summary>
    public string? VirtualMacAddressPrefix { get; set; }

    /// <summary>
    /// Interfaces whose announcements are paced together (keepalived <c>garp_group</c>): on the interfaces of one group,
    /// gratuitous ARPs and unsolicited neighbour advertisements of every instance share one gap. A group replaces
    /// <see cref="GarpInterval"/> and <see cref="GnaInterval"/> on its interfaces, as keepalived's does.
    /// </summary>
    public List<VrrpGarpGroupOptions> GarpGroups { get; set; } = [];

    /// <summary>Tracked processes that instances can reference (keepalived <c>vrrp_track_process</c>).</summary>
    public List<VrrpTrackProcessOptions> TrackProcesses { get; set; } = [];

    /// <summary>
    /// Addresses installed when the host starts and removed when it stops, whatever the instances' states (keepalived
    /// <c>static_ipaddress</c>), in the syntax of <see cref="VrrpInstanceOptions.VirtualAddresses"/> without
    /// <c>use_vmac</c> and with <c>track_group NAME</c>; an entry without <c>dev</c> goes on <see cref="DefaultInterface"/>
    /// (keepalived's default interface, eth0 unless <c>default_interface</c> says). One that is already there when the host starts counts as added, so it is removed at stop, as keepalived.
    /// Applied by the Linux platform (<c>UseLinux()</c>).
    /// </summary>
    public List<string> StaticAddresses { get; set; } = [];

    /// <summary>
    /// Routes installed when the host starts and removed when it stops (keepalived <c>static_routes</c>), in the syntax
    /// of <see cref="VrrpInstanceOptions.VirtualRoutes"/> with <c>track_group NAME</c> (which needs <c>dev</c>). One that
    /// is already there counts as added (removed at stop), as keepalived.
    /// </summary>
    public List<string> StaticRoutes { get; set; } = [];

    /// <summary>
    /// Policy rules installed when the host starts and removed when it stops (keepalived <c>static_rules</c>), in the
    /// syntax of <see cref="VrrpInstanceOptions.VirtualRules"/> with <c>track_group NAME</c> (which needs <c>iif</c>). A
    /// copy already there is removed first and then added, so it is removed at stop, as keepalived.
    /// </summary>
    public List<string> StaticRules { get; set; } = [];

    /// <summary>
    /// Groups of instances that track the interfaces of the static entries naming them (keepalived <c>track_group NAME
    /// { group { VI_1 ... } }</c> and an entry's <c>track_group NAME</c>): the interface going down puts those instances
    /// in Fault, as one of their own <c>track_interface</c> entries of weight 0.
    /// </summary>
    public List<VrrpStaticTrackGroupOptions> StaticTrackGroups { get; set; } = [];

    /// <summary>
    /// Settings of the process (keepalived <c>vrrp_priority</c>, <c>vrrp_rt_priority</c>, <c>vrrp_rlimit_rttime</c>,
    /// <c>vrrp_cpu_affinity</c>, <c>vrrp_no_swap</c>, process names, <c>umask</c>, the reload files, <c>instance</c>,
    /// <c>data_use_instance</c>); applied by vrrpd, not by <c>AddVrrp</c>.
    /// </summary>
    public VrrpProcessOptions Process { get; set; } = new();

    /// <summary>
    /// The nftables table of the Accept_Mode filter (keepalived <c>nftables</c>, <c>nftables_priority</c>,
    /// <c>nftables_ifindex</c>, <c>nftables_counters</c>, <c>vrrp_iptables</c>); applied by the Linux platform.
    /// </summary>
    public VrrpFirewallOptions Firewall { get; set; } = new();

    /// <summary>
    /// The receive buffers of the Linux platform's netlink sockets (keepalived <c>vrrp_netlink_cmd_rcv_bufs</c>,
    /// <c>vrrp_netlink_monitor_rcv_bufs</c>, <c>process_monitor_rcv_bufs</c> and their <c>_force</c> forms).
    /// </summary>
    public VrrpReceiveBufferOptions ReceiveBuffers { get; set; } = new();

    /// <summary>
    /// Log each advert received for a VRID that no instance on its interface has (keepalived <c>log_unknown_vrids</c>),
    /// at Information, in keepalived's words; they are counted either way (the drop counters' UnknownVirtualRouterId).
    /// </summary>
    public bool LogUnknownVirtualRouterIds { get; set; }

    /// <summary>
    /// Send no IGMP reports for link-local groups such as 224.0.0.18 (keepalived <c>disable_local_igmp</c>): the Linux
    /// platform sets <c>net.ipv4.igmp_link_local_mcast_reports</c> of its namespace to 0 while it runs (when it was 1)
    /// and puts 1 back at stop, as keepalived does; for switches that mishandle such reports.
    /// </summary>
    public bool DisableLocalIgmp { get; set; }

    /// <summary>
    /// A command the hosted service runs when it starts, before any instance starts (and before
    /// <see cref="StartupDelay"/>), waiting for it up to its timeout (keepalived <c>startup_script</c>); null for none.
    /// It is not run again after a reload.
    /// </summary>
    public VrrpDaemonScriptOptions? StartupScript { get; set; }

    /// <summary>
    /// A command the hosted service runs when it stops, after the instances have stopped and their addresses are
    /// removed, waiting for it up to its timeout (keepalived <c>shutdown_script</c>); null for none. A host's shutdown
    /// timeout must leave it that time.
    /// </summary>
    public VrrpDaemonScriptOptions? ShutdownScript { get; set; }

    #endregion
    /// <summary>
    /// Whether stopping the host releases the virtual routers: each master sends priority 0 and removes its virtual
    /// addresses (the default). False leaves the addresses in place and sends nothing, as keepalived's
    /// <c>-V</c>/<c>--dont-release-vrrp</c> does: the backup takes over only after its Master_Down_Interval, and the
    /// next start removes the addresses it finds before it elects again.
    /// </summary>
    public bool ReleaseOnStop { get; set; } = true;
}

/// <summary>One virtual router (keepalived <c>vrrp_instance NAME { ... }</c>).</summary>
public sealed class VrrpInstanceOptions
{
    /// <summary>The instance name used in logs and notifications, for example <c>VI_1</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>
    /// The interface the instance runs on (<c>interface</c>). Empty for none, as keepalived 2.2.7 runs a unicast instance
    /// without <c>interface</c>: it then needs <see cref="UnicastPeers"/> and a <see cref="SourceAddress"/> (not IPv6
    /// link-local), every address must name its <c>dev</c>, adverts are routed to the peers from no particular
    /// interface (or in <see cref="Vrf"/>), and the instance tracks only its addresses' interfaces.
    /// </summary>
    public string Interface { get; set; } = "";

    /// <summary>
    /// The VRF device an instance without an <see cref="Interface"/> runs in (keepalived <c>vrf</c>): its sockets are
    /// bound to that device, so adverts to the <see cref="UnicastPeers"/> are routed in the VRF's table and adverts
    /// arriving on the VRF's interfaces are received. keepalived takes it only without <c>interface</c> and with
    /// unicast peers; an instance on an interface enslaved to a VRF is in that VRF already. Applied by the Linux platform.
    /// </summary>
    public string? Vrf { get; set; }

    /// <summary>The virtual router identifier, 1..255 (<c>virtual_router_id</c>).</summary>
    public int VirtualRouterId { get; set; }

    /// <summary>The priority, 1..255; 255 is the address owner (<c>priority</c>, default 100).</summary>
    public int Priority { get; set; } = 100;

    /// <summary>
    /// The protocol version (<c>version</c>); the library default is 3. keepalived defaults to 2. Version 2 with IPv6
    /// addresses is keepalived 2.2.7's VRRPv2 over IPv6 (not in RFC 3768; no authentication data is sent, so a
    /// <c>PASS</c> password is not checked, only its type; not with AH or <see cref="StrictMode"/>).
    /// </summary>
    public VrrpVersion Version { get; set; } = VrrpVersion.V3;

    /// <summary>The advertisement interval (<c>advert_int</c>): v2 whole seconds 1..255, v3 0.01..40.95 s in steps of 0.01 s.</summary>
    public TimeSpan AdvertisementInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The virtual addresses, <c>ADDR[/LEN]</c>, all of one family (<c>virtual_ipaddress</c>); at least one, except that a VRRPv2 instance outside strict mode may have none (as keepalived, whose adverts then carry no address).</summary>
    public List<string> VirtualAddresses { get; set; } = [];

    /// <summary>Addresses added and removed with the virtual ones but not advertised; may mix families (<c>virtual_ipaddress_excluded</c>).</summary>
    public List<string> ExcludedVirtualAddresses { get; set; } = [];

    /// <summary>The start-up hint (<c>state MASTER/BACKUP</c>): every instance but an owner starts in Backup; kept for logs.</summary>
    public VrrpState? InitialState { get; set; }

    /// <summary>Do not take over from a live lower-priority master (<c>nopreempt</c>).</summary>
    public bool NoPreempt { get; set; }

    /// <summary>Wait this long before preempting a lower-priority master (<c>preempt_delay</c>, 0..1000 s).</summary>
    public TimeSpan PreemptDelay { get; set; }

    /// <summary>
    /// VRRPv2 authentication type (<c>auth_type PASS</c> is <see cref="AuthenticationType.SimplePassword"/>,
    /// <c>auth_type AH</c> <see cref="AuthenticationType.IPAuthenticationHeader"/>: IPv4 protocol 51 with an HMAC-MD5-96
    /// ICV keyed by <see cref="AuthenticationPassword"/>, as keepalived 2.2.7 sends and checks it). Every router of the
    /// group needs the same type and password.
    /// </summary>
    public AuthenticationType AuthenticationType { get; set; }

    /// <summary>VRRPv2 simple password; only the first 8 characters count (<c>auth_pass</c>).</summary>
    public string? AuthenticationPassword { get; set; }

    /// <summary>The v3/IPv4 checksum form to send; receivers accept either.</summary>
    public Ipv4ChecksumMode ChecksumMode { get; set; } = Ipv4ChecksumMode.PseudoHeader;

    /// <summary>
    /// keepalived's old VRRPv3/IPv4 unicast checksum (<c>old_unicast_checksum</c> is <see cref="OldUnicastChecksum.Always"/>,
    /// <c>old_unicast_checksum never</c> is <see cref="OldUnicastChecksum.Never"/>): the pseudo-header destination is the
    /// multicast group (224.0.0.18 or <see cref="VrrpOptions.MulticastGroup4"/>) rather than the peer. The default,
    /// <see cref="OldUnicastChecksum.Auto"/>, switches to the old form once a unicast peer's advert has it, as keepalived 2.2.7.
    /// </summary>
    public OldUnicastChecksum OldUnicastChecksum { get; set; }

    /// <summary>Source address of adverts (<c>mcast_src_ip</c>, or <c>unicast_src_ip</c> in unicast mode).</summary>
    public string? SourceAddress { get; set; }

    /// <summary>Unicast peers; when set, adverts go to each instead of the multicast group (<c>unicast_peer</c>).</summary>
    public List<string> UnicastPeers { get; set; } = [];

    /// <summary>Accept adverts only from the unicast peers (<c>check_unicast_src</c>; its global_defs default <c>vrrp_check_unicast_src</c>).</summary>
    public bool CheckUnicastSource { get; set; }

    /// <summary>Carry the addresses on a macvlan with the virtual MAC (<c>use_vmac</c>).</summary>
    public bool UseVirtualMac { get; set; }

    /// <summary>The macvlan interface name for <see cref="UseVirtualMac"/>; default <c>vrrp.VRID</c>, named as keepalived names it (see <see cref="VrrpOptions.VirtualMacPrefix"/>).</summary>
    public string? VirtualMacInterface { get; set; }

    /// <summary>
    /// Put every virtual (or excluded) address on another interface (<c>dev</c>), or of the other address family, on a
    /// virtual-MAC interface of its own on that interface (<c>use_vmac_addr</c>; an address's own <c>use_vmac</c> option
    /// does the same for that address). Applied by the Linux platform, as keepalived 2.2.7 does it.
    /// </summary>
    public bool UseVirtualMacForAddresses { get; set; }

    /// <summary>
    /// Run the instance on an L2 ipvlan of its interface (<c>use_ipvlan</c>), as keepalived 2.2.7 does: the ipvlan
    /// (it shares the interface's MAC) is created at start (or adopted, when a crashed run left it) and removed at stop;
    /// it carries <see cref="IpvlanAddress"/>, sends and receives the adverts, and carries the addresses that name no
    /// other device and their announcements. Applied by the Linux platform; the kernel needs ipvlan support
    /// (CONFIG_IPVLAN). Not with <see cref="UseVirtualMac"/>.
    /// </summary>
    public bool UseIpvlan { get; set; }

    /// <summary>The ipvlan's name (<c>use_ipvlan NAME</c>); null for keepalived's default, as <see cref="VirtualMacInterface"/>'s: <c>vrrp.VRID</c> (see <see cref="VrrpOptions.VirtualMacPrefix"/>).</summary>
    public string? IpvlanInterface { get; set; }

    /// <summary>
    /// <c>ADDRESS[/PREFIX]</c> added to the ipvlan (<c>use_ipvlan ADDRESS</c>; no prefix is a host address) and the
    /// source of adverts unless <see cref="SourceAddress"/> names another. Required for IPv4 (keepalived keeps an IPv4
    /// instance without it in Fault); an IPv6 instance without it sends from the ipvlan's link-local address.
    /// </summary>
    public string? IpvlanAddress { get; set; }

    /// <summary>The ipvlan's mode (<c>use_ipvlan ... bridge|private|vepa</c>); keepalived's default is bridge.</summary>
    public IpvlanMode IpvlanMode { get; set; }

    /// <summary>The network namespace of this instance, overriding <see cref="VrrpOptions.NetworkNamespace"/>.</summary>
    public string? NetworkNamespace { get; set; }

    /// <summary>Ignore faults on the instance's own interface (<c>dont_track_primary</c>).</summary>
    public bool DontTrackPrimary { get; set; }

    /// <summary>RFC-only behaviour (<c>strict_mode</c> / <c>vrrp_strict</c>).</summary>
    public bool StrictMode { get; set; }

    /// <summary>Delay of the second burst of announcements after takeover (<c>garp_master_delay</c>, default 5 s; 0 disables).</summary>
    public TimeSpan GarpMasterDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Announcements per address in each burst (<c>garp_master_repeat</c>, default 5; at least 1).</summary>
    public int GarpMasterRepeat { get; set; } = 5;

    /// <summary>Periodic re-announcement while master (<c>garp_master_refresh</c>); zero is off (the default).</summary>
    public TimeSpan GarpMasterRefresh { get; set; }

    /// <summary>Announcements per address at each refresh (<c>garp_master_refresh_repeat</c>, default 1; at least 1).</summary>
    public int GarpMasterRefreshRepeat { get; set; } = 1;

    /// <summary>Delay before re-announcing after hearing a lower-priority advert (<c>garp_lower_prio_delay</c>).</summary>
    public TimeSpan GarpLowerPriorityDelay { get; set; }

    /// <summary>Announcements per address after hearing a lower-priority advert (<c>garp_lower_prio_repeat</c>, default 5; 0 sends none).</summary>
    public int GarpLowerPriorityRepeat { get; set; } = 5;

    /// <summary>Tracked interfaces (<c>track_interface</c>).</summary>
    public List<TrackInterfaceOptions> TrackInterfaces { get; set; } = [];

    /// <summary>Tracked scripts by name (<c>track_script</c>).</summary>
    public List<TrackReferenceOptions> TrackScripts { get; set; } = [];

    /// <summary>Tracked files by name (<c>track_file</c>).</summary>
    public List<TrackReferenceOptions> TrackFiles { get; set; } = [];

    /// <summary>Tracked health checks (Microsoft.Extensions.Diagnostics.HealthChecks) by registration name.</summary>
    public List<TrackHealthCheckOptions> TrackHealthChecks { get; set; } = [];

    /// <summary>
    /// Command run on entering Master (<c>notify_master</c>). Notify commands are keepalived command lines, split into a
    /// program and arguments without a shell (<see cref="KeepalivedCommandLine"/>: blanks
    /// separate words, quotes group them); no variables, pipes or redirections: put those in a script.
    /// </summary>
    public string? NotifyMaster { get; set; }

    /// <summary>Command run on entering Backup (<c>notify_backup</c>).</summary>
    public string? NotifyBackup { get; set; }

    /// <summary>Command run on entering Fault (<c>notify_fault</c>).</summary>
    public string? NotifyFault { get; set; }

    /// <summary>Command run on stopping (<c>notify_stop</c>).</summary>
    public string? NotifyStop { get; set; }

    /// <summary>Command run on every transition with 4 extra arguments: INSTANCE, name, state, priority (<c>notify</c>).</summary>
    public string? Notify { get; set; }

    #region keepalived keywords: data plane, routing, unicast, announcements and notify settings

    /// <summary>
    /// Accept_Mode (RFC 9568 section 6.1; keepalived <c>accept</c> / <c>no_accept</c>): whether a non-owner master
    /// answers traffic addressed to the virtual addresses. Null is keepalived's default: accept, except in strict mode
    /// (no_accept unless the owner).
    /// </summary>
    public bool? Accept { get; set; }

    /// <summary>With <see cref="UseVirtualMac"/>, send adverts from the base interface rather than the macvlan (<c>vmac_xmit_base</c>).</summary>
    public bool VirtualMacTransmitOnBase { get; set; }

    /// <summary>The TTL (IPv4) or hop limit (IPv6) of adverts to unicast peers (<c>unicast_ttl</c>, 0..255); null is 255.</summary>
    public int? UnicastTtl { get; set; }

    /// <summary>
    /// The TTLs accepted from a unicast peer (<c>unicast_peer { IP min_ttl N max_ttl N }</c>): adverts from that peer
    /// outside the range are dropped. A peer not listed takes any TTL (keepalived's 0..255).
    /// </summary>
    public List<UnicastPeerTtlOptions> UnicastPeerTtls { get; set; } = [];

    /// <summary>
    /// Routes the master adds and removes when it leaves Master (<c>virtual_routes</c>), one per entry in keepalived's
    /// syntax (<see cref="VirtualRouteSpec"/>): <c>10.80.0.0/24 via 10.70.0.1 dev eth1 table 100</c>.
    /// </summary>
    public List<string> VirtualRoutes { get; set; } = [];

    /// <summary>
    /// Policy-routing rules the master adds and removes when it leaves Master (<c>virtual_rules</c>), one per entry in
    /// keepalived's syntax (<see cref="VirtualRuleSpec"/>): <c>from 10.90.0.0/24 table 100 priority 1000</c>.
    /// </summary>
    public List<string> VirtualRules { get; set; } = [];

    /// <summary>Tracked processes by name (<c>track_process</c>), with optional weight and reverse overrides.</summary>
    public List<TrackReferenceOptions> TrackProcesses { get; set; } = [];

    /// <summary>
    /// Re-announce the addresses that are on other interfaces than the instance's every this long while master
    /// (<c>garp_extra_if DELAY</c>, 0..86400 s); null is off.
    /// </summary>
    public TimeSpan? GarpExtraInterfacesInterval { get; set; }

    /// <summary>With <see cref="GarpExtraInterfacesInterval"/>, re-announce on every interface that carries an address, not only macvlans (<c>garp_extra_if all</c>).</summary>
    public bool GarpExtraInterfacesAll { get; set; }

    /// <summary>A master that hears a higher-priority advert sends one more advert before it gives way (<c>higher_prio_send_advert</c>).</summary>
    public bool HigherPrioritySendAdvert { get; set; }

    /// <summary>
    /// A master that hears a lower-priority advert does not answer it with an advert of its own (<c>lower_prio_no_advert</c>,
    /// its global_defs default <c>vrrp_lower_prio_no_advert</c>; RFC 9568 section 6.4.3 discards such an advert). By
    /// default (false, as keepalived) the master advertises at once, so that the other side, if it is master too, gives
    /// way without waiting for the next interval. Strict mode (<see cref="StrictMode"/>) turns it on.
    /// </summary>
    public bool LowerPriorityNoAdvert { get; set; }

    /// <summary>
    /// The number of advertisement intervals in Master_Down_Interval (<c>down_timer_adverts</c>, 1..100, its global_defs
    /// default <c>vrrp_down_timer_adverts</c>; default 3 as RFC 9568 section 6.1): a backup takes over after this many
    /// Master_Adver_Intervals without an advert, plus the Skew_Time. keepalived resets it to 3 in strict mode.
    /// </summary>
    public int DownTimerAdverts { get; set; } = 3;

    /// <summary>
    /// Without unicast peers, stay in Fault instead of falling back to multicast (<c>unicast_fault_no_peer</c>): for an
    /// instance meant to run unicast whose peer list can become empty. Off by default (as keepalived, which then uses
    /// multicast).
    /// </summary>
    public bool UnicastFaultNoPeer { get; set; }

    /// <summary>
    /// Go to Fault while the configured <see cref="SourceAddress"/> is not on the instance's interface (deleted after
    /// start), and leave Fault when it is back (<c>track_src_ip</c>). Without a <see cref="SourceAddress"/> it has no
    /// effect, as in keepalived.
    /// </summary>
    public bool TrackSourceAddress { get; set; }

    /// <summary>
    /// The multicast group this instance's adverts go to and are received on (<c>mcast_dst_ip</c>), overriding
    /// <see cref="VrrpOptions.MulticastGroup4"/> / <see cref="VrrpOptions.MulticastGroup6"/>: an IPv4 multicast address,
    /// or an IPv6 one of link-local scope (ffX2::/16), of the instance's family; null takes the global group. Ignored
    /// with unicast peers.
    /// </summary>
    public string? MulticastGroup { get; set; }

    /// <summary>Command run when the master hears an advert with a lower priority (<c>notify_master_rx_lower_pri</c>; used to re-claim cloud addresses).</summary>
    public string? NotifyMasterRxLowerPriority { get; set; }

    /// <summary>The user the notify commands run as (<c>notify_* COMMAND USER [GROUP]</c>); null is <see cref="VrrpOptions.ScriptUser"/>, else the process's user.</summary>
    public string? NotifyUser { get; set; }

    /// <summary>
    /// The group of <see cref="NotifyUser"/>, or null for the user's own group; one other than the user's own needs
    /// <see cref="VrrpScriptLauncher.RunIfRequested"/> (see <see cref="VrrpScriptOptions.Group"/>).
    /// </summary>
    public string? NotifyGroup { get; set; }

    /// <summary>
    /// keepalived's <c>promote_secondaries</c>: with <c>UseLinux()</c>, <c>net.ipv4.conf.IF.promote_secondaries</c> is
    /// set to 1 on the interface while the instance runs (when it was 0; set back with the last instance that asked), so
    /// that removing the interface's primary address keeps the virtual addresses of its subnet. Ignored with
    /// <see cref="UseVirtualMac"/> (its interface has it already), as keepalived does.
    /// </summary>
    public bool PromoteSecondaries { get; set; }

    /// <summary>
    /// Write a notify FIFO line on every change of the effective priority (<c>notify_priority_changes</c>):
    /// <c>INSTANCE "NAME" MASTER_PRIORITY 140</c>, or <c>BACKUP_PRIORITY</c> when not master, as keepalived 2.2.7
    /// (which writes these to the FIFOs only, not to notify scripts). Null takes the sync group's
    /// <see cref="VrrpSyncGroupOptions.NotifyPriorityChanges"/>, else false.
    /// </summary>
    public bool? NotifyPriorityChanges { get; set; }

    /// <summary>
    /// When a reload removes the instance, report it as DELETED (<c>notify_deleted</c>): <see cref="NotifyDeleted"/>
    /// runs, <see cref="Notify"/> gets <c>DELETED</c> and the FIFOs <c>INSTANCE "NAME" DELETED PRIORITY</c>. Without
    /// it (keepalived's default) a removed instance reports FAULT (<see cref="NotifyFault"/>), unless it already was
    /// in Fault. Either way <see cref="NotifyStop"/> does not run for a removed instance, as in keepalived.
    /// </summary>
    public bool ReportDeleted { get; set; }

    /// <summary>Command run when a reload removes the instance (<c>notify_deleted COMMAND</c>); implies <see cref="ReportDeleted"/>.</summary>
    public string? NotifyDeleted { get; set; }

    #endregion
}

/// <summary>An interface tracked by an instance (<c>track_interface { IF [weight W] }</c>).</summary>
public sealed class TrackInterfaceOptions
{
    /// <summary>The interface name.</summary>
    public string Interface { get; set; } = "";

    /// <summary>Weight: 0 means Fault while down; positive adds while up; negative subtracts while down.</summary>
    public int Weight { get; set; }

    /// <summary>keepalived's <c>reverse</c>: weight 0 means Fault while up; otherwise the weight counts the other way (subtracted while up, or added while down).</summary>
    public bool Reverse { get; set; }
}

/// <summary>A reference from an instance to a named tracker (<c>track_script</c>, <c>track_file</c>) with an optional weight override.</summary>
public sealed class TrackReferenceOptions
{
    /// <summary>The tracker's name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Overrides the tracker's own weight when set.</summary>
    public int? Weight { get; set; }

    /// <summary>Overrides the tracker's own <c>reverse</c> when set (<c>weight W reverse</c> / <c>noreverse</c>).</summary>
    public bool? Reverse { get; set; }
}

/// <summary>A tracked health check registered with <c>AddHealthChecks()</c>.</summary>
public sealed class TrackHealthCheckOptions
{
    /// <summary>The health check's registration name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Weight: 0 means Fault while unhealthy; positive adds while healthy; negative subtracts while unhealthy.</summary>
    public int Weight { get; set; }

    /// <summary>How often the check runs.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one run may take before it counts as a failure.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Consecutive successes needed to count as up (1..1000).</summary>
    public int Rise { get; set; } = 1;

    /// <summary>Consecutive failures needed to count as down (1..1000).</summary>
    public int Fall { get; set; } = 1;
}

/// <summary>A check script (<c>vrrp_script NAME { script; interval; timeout; weight; rise; fall; user }</c>).</summary>
public sealed class VrrpScriptOptions
{
    /// <summary>The script's name, referenced by <c>track_script</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>The program to run, as a path or a name found on PATH (no shell; not split: arguments go in <see cref="Arguments"/>).</summary>
    public string Command { get; set; } = "";

    /// <summary>Its arguments, passed as a list.</summary>
    public List<string> Arguments { get; set; } = [];

    /// <summary>How often it runs (default 1 s).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a run may take before SIGTERM then SIGKILL; null means the interval.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Weight (default 0: failing means Fault).</summary>
    public int Weight { get; set; }

    /// <summary>Consecutive successes to count as up (default 1; keepalived allows up to 2147483647).</summary>
    public int Rise { get; set; } = 1;

    /// <summary>Consecutive failures to count as down (default 1; keepalived allows up to 2147483647).</summary>
    public int Fall { get; set; } = 1;

    /// <summary>Run as this user, or null for the current one.</summary>
    public string? User { get; set; }

    #region keepalived keywords: init_fail, reverse

    /// <summary>
    /// Count the script as failed until it has succeeded <see cref="Rise"/> times in a row (<c>init_fail</c>); by
    /// default it starts up.
    /// </summary>
    public bool InitFail { get; set; }

    /// <summary>
    /// keepalived's <c>weight W reverse</c>: weight 0 means Fault while the script succeeds; otherwise the weight counts
    /// the other way (subtracted while it succeeds, or added while it fails).
    /// </summary>
    public bool Reverse { get; set; }

    #endregion

    /// <summary>
    /// The group of <see cref="User"/> (<c>user USER GROUP</c>), or null for the user's own group. A group other than the
    /// user's own is set as keepalived sets it (the group, as the only supplementary group too): the script is started
    /// through the application, which calls <see cref="VrrpScriptLauncher.RunIfRequested"/> first in <c>Main</c>.
    /// </summary>
    public string? Group { get; set; }
}

/// <summary>A tracked file whose number adjusts priority (<c>vrrp_track_file NAME { file PATH; weight W }</c>).</summary>
public sealed class VrrpTrackFileOptions
{
    /// <summary>The tracker's name.</summary>
    public string Name { get; set; } = "";

    /// <summary>The file's path.</summary>
    public string Path { get; set; } = "";

    /// <summary>Multiplier of the number read (default 1); 0 means a non-zero number is a Fault.</summary>
    public int Weight { get; set; } = 1;

    /// <summary>How often the file is read (keepalived watches it with inotify; this library polls); default 1 s.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>keepalived's <c>weight W reverse</c>: the number read is subtracted (x weight) rather than added; with weight 0, 0 means Fault.</summary>
    public bool Reverse { get; set; }

    /// <summary>
    /// keepalived's <c>init_file [VALUE]</c>: when the file is missing at start or at a reload, it is created holding
    /// this value (and a newline); null (the default) leaves a missing file missing (it reads as 0).
    /// </summary>
    public int? InitialValue { get; set; }

    /// <summary><c>init_file VALUE overwrite</c>: an existing regular file is overwritten with <see cref="InitialValue"/> at start (never at a reload).</summary>
    public bool InitialOverwrite { get; set; }
}

/// <summary>One interface's link delays (a line of keepalived's <c>interface_up_down_delays { IF DOWN [UP] }</c>).</summary>
public sealed class VrrpInterfaceDelayOptions
{
    /// <summary>The interface.</summary>
    public string Interface { get; set; } = "";

    /// <summary>How long its link must stay down before the instances see it down (0: at once).</summary>
    public TimeSpan Down { get; set; }

    /// <summary>How long its link must stay up before the instances see it up (0: at once).</summary>
    public TimeSpan Up { get; set; }
}

/// <summary>
/// A group of interfaces that pace their announcements together (keepalived
/// <c>garp_group { garp_interval S; gna_interval S; interfaces { IF ... } }</c>): after a gratuitous ARP (or an
/// unsolicited neighbour advertisement) on any of them, the next one on any of them waits the group's gap.
/// </summary>
/// <remarks>
/// As in keepalived, the group's gaps replace the global ones on its interfaces: a group with only
/// <see cref="GarpInterval"/> sends neighbour advertisements there back to back, whatever <see cref="VrrpOptions.GnaInterval"/> says.
/// An interface belongs to at most one group.
/// </remarks>
public sealed class VrrpGarpGroupOptions
{
    /// <summary>A name for messages and configuration keys (keepalived's groups have none; the reader numbers them <c>1</c>, <c>2</c>...).</summary>
    public string Name { get; set; } = "";

    /// <summary>The gap between gratuitous ARPs on the group's interfaces (<c>garp_interval</c>), or null for none (back to back).</summary>
    public TimeSpan? GarpInterval { get; set; }

    /// <summary>The gap between unsolicited neighbour advertisements on the group's interfaces (<c>gna_interval</c>), or null for none (back to back).</summary>
    public TimeSpan? GnaInterval { get; set; }

    /// <summary>The interfaces of the group (<c>interface IF</c>, <c>interfaces { IF ... }</c>).</summary>
    public List<string> Interfaces { get; set; } = [];
}

/// <summary>Instances that track the interfaces of static entries (keepalived <c>track_group NAME { group { ... } }</c>).</summary>
public sealed class VrrpStaticTrackGroupOptions
{
    /// <summary>The group name, as the entries' <c>track_group NAME</c> give it.</summary>
    public string Name { get; set; } = "";

    /// <summary>Names of the instances that track the entries' interfaces.</summary>
    public List<string> Instances { get; set; } = [];
}

/// <summary>Instances that change state together (<c>vrrp_sync_group NAME { group { ... } }</c>).</summary>
public sealed class VrrpSyncGroupOptions
{
    /// <summary>The group name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Names of member instances.</summary>
    public List<string> Instances { get; set; } = [];

    /// <summary>Command run when the group enters Master.</summary>
    public string? NotifyMaster { get; set; }

    /// <summary>Command run when the group enters Backup.</summary>
    public string? NotifyBackup { get; set; }

    /// <summary>Command run when the group enters Fault.</summary>
    public string? NotifyFault { get; set; }

    /// <summary>Command run on every group transition with 4 extra arguments (GROUP, name, state, priority).</summary>
    public string? Notify { get; set; }

    /// <summary>
    /// Apply the weights of the members' trackers (<c>sync_group_tracking_weight</c>). By default (false, as keepalived)
    /// they are ignored: any failing tracker puts its member, and so the group, in Fault, because members with
    /// diverging priorities would make the group flap between nodes.
    /// </summary>
    public bool TrackingWeight { get; set; }

    /// <summary>The user the group's notify commands run as (<c>notify_* COMMAND USER [GROUP]</c>); null is <see cref="VrrpOptions.ScriptUser"/>.</summary>
    public string? NotifyUser { get; set; }

    /// <summary>
    /// The group of <see cref="NotifyUser"/>, or null for the user's own group; one other than the user's own needs
    /// <see cref="VrrpScriptLauncher.RunIfRequested"/> (see <see cref="VrrpScriptOptions.Group"/>).
    /// </summary>
    public string? NotifyGroup { get; set; }

    /// <summary>Command run when the group stops (<c>notify_stop</c>), after every member's own stop notifies.</summary>
    public string? NotifyStop { get; set; }

    /// <summary>The default of the members' <see cref="VrrpInstanceOptions.NotifyPriorityChanges"/> (<c>notify_priority_changes</c>); null is false.</summary>
    public bool? NotifyPriorityChanges { get; set; }
}
