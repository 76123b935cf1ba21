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

    /// <summary>The network namespace every instance runs in unless it names its own (keepalived <c>net_namespace</c>).</summary>
    public string? NetworkNamespace { get; set; }

    /// <summary>A delay before the instances start (keepalived <c>vrrp_startup_delay</c>).</summary>
    public TimeSpan StartupDelay { get; set; }

    /// <summary>The virtual routers (keepalived <c>vrrp_instance</c> blocks).</summary>
    public List<VrrpInstanceOptions> Instances { get; set; } = [];

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

    /// <summary>The interface the instance runs on (<c>interface</c>).</summary>
    public string Interface { get; set; } = "";

    /// <summary>The virtual router identifier, 1..255 (<c>virtual_router_id</c>).</summary>
    public int VirtualRouterId { get; set; }

    /// <summary>The priority, 1..255; 255 is the address owner (<c>priority</c>, default 100).</summary>
    public int Priority { get; set; } = 100;

    /// <summary>The protocol version (<c>version</c>); the library default is 3. keepalived defaults to 2.</summary>
    public VrrpVersion Version { get; set; } = VrrpVersion.V3;

    /// <summary>The advertisement interval (<c>advert_int</c>): v2 whole seconds 1..255, v3 0.01..40.95 s in steps of 0.01 s.</summary>
    public TimeSpan AdvertisementInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The virtual addresses, <c>ADDR[/LEN]</c>, all of one family (<c>virtual_ipaddress</c>).</summary>
    public List<string> VirtualAddresses { get; set; } = [];

    /// <summary>Addresses added and removed with the virtual ones but not advertised; may mix families (<c>virtual_ipaddress_excluded</c>).</summary>
    public List<string> ExcludedVirtualAddresses { get; set; } = [];

    /// <summary>The start-up hint (<c>state MASTER/BACKUP</c>): every instance but an owner starts in Backup; kept for logs.</summary>
    public VrrpState? InitialState { get; set; }

    /// <summary>Do not take over from a live lower-priority master (<c>nopreempt</c>).</summary>
    public bool NoPreempt { get; set; }

    /// <summary>Wait this long before preempting a lower-priority master (<c>preempt_delay</c>, 0..1000 s).</summary>
    public TimeSpan PreemptDelay { get; set; }

    /// <summary>VRRPv2 authentication type (<c>auth_type PASS</c> is <see cref="AuthenticationType.SimplePassword"/>).</summary>
    public AuthenticationType AuthenticationType { get; set; }

    /// <summary>VRRPv2 simple password; only the first 8 characters count (<c>auth_pass</c>).</summary>
    public string? AuthenticationPassword { get; set; }

    /// <summary>The v3/IPv4 checksum form to send; receivers accept either.</summary>
    public Ipv4ChecksumMode ChecksumMode { get; set; } = Ipv4ChecksumMode.PseudoHeader;

    /// <summary>Source address of adverts (<c>mcast_src_ip</c>, or <c>unicast_src_ip</c> in unicast mode).</summary>
    public string? SourceAddress { get; set; }

    /// <summary>Unicast peers; when set, adverts go to each instead of the multicast group (<c>unicast_peer</c>).</summary>
    public List<string> UnicastPeers { get; set; } = [];

    /// <summary>Accept adverts only from the unicast peers (<c>vrrp_check_unicast_src</c>).</summary>
    public bool CheckUnicastSource { get; set; }

    /// <summary>Carry the addresses on a macvlan with the virtual MAC (<c>use_vmac</c>).</summary>
    public bool UseVirtualMac { get; set; }

    /// <summary>The macvlan interface name for <see cref="UseVirtualMac"/>; default <c>vrrp.VRID</c>.</summary>
    public string? VirtualMacInterface { get; set; }

    /// <summary>The network namespace of this instance, overriding <see cref="VrrpOptions.NetworkNamespace"/>.</summary>
    public string? NetworkNamespace { get; set; }

    /// <summary>Ignore faults on the instance's own interface (<c>dont_track_primary</c>).</summary>
    public bool DontTrackPrimary { get; set; }

    /// <summary>RFC-only behaviour (<c>strict_mode</c> / <c>vrrp_strict</c>).</summary>
    public bool StrictMode { get; set; }

    /// <summary>Delay of the second burst of announcements after takeover (<c>garp_master_delay</c>, default 5 s; 0 disables).</summary>
    public TimeSpan GarpMasterDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Announcements per address in each burst (<c>garp_master_repeat</c>, default 5; 1..255).</summary>
    public int GarpMasterRepeat { get; set; } = 5;

    /// <summary>Periodic re-announcement while master (<c>garp_master_refresh</c>); zero is off (the default).</summary>
    public TimeSpan GarpMasterRefresh { get; set; }

    /// <summary>Announcements per address at each refresh (<c>garp_master_refresh_repeat</c>, default 1; 1..255).</summary>
    public int GarpMasterRefreshRepeat { get; set; } = 1;

    /// <summary>Delay before re-announcing after hearing a lower-priority advert (<c>garp_lower_prio_delay</c>).</summary>
    public TimeSpan GarpLowerPriorityDelay { get; set; }

    /// <summary>Announcements per address after hearing a lower-priority advert (<c>garp_lower_prio_repeat</c>, default 5; 1..255).</summary>
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
}

/// <summary>An interface tracked by an instance (<c>track_interface { IF [weight W] }</c>).</summary>
public sealed class TrackInterfaceOptions
{
    /// <summary>The interface name.</summary>
    public string Interface { get; set; } = "";

    /// <summary>Weight: 0 means Fault while down; positive adds while up; negative subtracts while down.</summary>
    public int Weight { get; set; }
}

/// <summary>A reference from an instance to a named tracker (<c>track_script</c>, <c>track_file</c>) with an optional weight override.</summary>
public sealed class TrackReferenceOptions
{
    /// <summary>The tracker's name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Overrides the tracker's own weight when set.</summary>
    public int? Weight { get; set; }
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

    /// <summary>Consecutive successes to count as up (default 1; 1..1000).</summary>
    public int Rise { get; set; } = 1;

    /// <summary>Consecutive failures to count as down (default 1; 1..1000).</summary>
    public int Fall { get; set; } = 1;

    /// <summary>Run as this user, or null for the current one.</summary>
    public string? User { get; set; }
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
}
