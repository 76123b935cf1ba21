using System.Globalization;
using Vrrp.Hosting;

namespace Vrrp.Keepalived;

// Virtual addresses with their options, virtual routes and rules, unicast peers with their TTLs: each entry is one
// line in keepalived's syntax, parsed by the specs of Vrrp.Hosting (the same parsers the options validator uses).
internal sealed partial class KeepalivedConfigBinder
{
    /// <summary>The next priority of a rule without one, per family: keepalived counts down from 16384.</summary>
    private readonly Dictionary<VrrpAddressFamily, uint> _nextRulePriority = new() { [VrrpAddressFamily.IPv4] = 16384, [VrrpAddressFamily.IPv6] = 16384 };

    private readonly List<(VrrpStaticTrackGroupOptions Group, SourceLocation At)> _staticTrackGroups = [];

    internal void ReadAddresses(ConfigStatement block, List<string> into, bool sameFamily, bool isStatic = false)
    {
        VrrpAddressFamily? family = null;
        foreach (var s in Entries(block))
        {
            if (!VirtualAddressSpec.TryParse(s.Text, out var spec, out string? error))
            {
                _d.Error(s.Location, $"{block.Keyword} '{(error!.StartsWith("expected", StringComparison.Ordinal) ? s.Keyword : s.Text)}': {error}");
                continue;
            }

            foreach (string warning in spec.Warnings)
            {
                _d.Warning(s.Location, $"{block.Keyword} '{s.Keyword}': {warning}");
            }

            if (!StaticOptionsFit(s, block.Keyword, isStatic, spec.TrackGroup, isStatic && spec.UseVirtualMac ? "use_vmac" : null))
            {
                continue;
            }

            if (sameFamily)
            {
                family ??= spec.Address.Family;
                if (spec.Address.Family != family)
                {
                    _d.Error(s.Location, $"{block.Keyword} '{s.Keyword}': all addresses must be of one family (the first is {family}); put the others in virtual_ipaddress_excluded");
                    continue;
                }
            }

            if (into.Any(a => VirtualAddressSpec.Parse(a).Address == spec.Address))
            {
                _d.Warning(s.Location, $"{block.Keyword} '{s.Keyword}' is listed twice; ignored");
                continue;
            }

            into.Add(spec.ToString());
        }
    }

    internal void ReadRoutes(ConfigStatement block, List<string> into, bool isStatic = false)
    {
        foreach (var s in Entries(block))
        {
            if (!VirtualRouteSpec.TryParse(s.Text, out var spec, out string? error))
            {
                _d.Error(s.Location, $"{block.Keyword} '{s.Text}': {error}");
                continue;
            }

            foreach (string warning in spec.Warnings)
            {
                _d.Warning(s.Location, $"{block.Keyword} '{s.Text}': {warning}");
            }

            if (StaticOptionsFit(s, block.Keyword, isStatic, spec.TrackGroup, null))
            {
                into.Add(spec.ToString());
            }
        }
    }

    /// <summary>track_group only in static_* entries, use_vmac only in an instance's (keepalived reports the others as unknown).</summary>
    private bool StaticOptionsFit(ConfigStatement s, string block, bool isStatic, string? trackGroup, string? instanceOnly)
    {
        if (!isStatic && trackGroup is not null)
        {
            _d.Error(s.Location, $"{block} '{s.Text}': track_group is for static_ipaddress, static_routes and static_rules entries only (as keepalived)");
            return false;
        }

        if (instanceOnly is not null)
        {
            _d.Error(s.Location, $"{block} '{s.Text}': {instanceOnly} is for an instance's addresses only (as keepalived)");
            return false;
        }

        return true;
    }

    internal void ReadRules(ConfigStatement block, List<string> into, bool isStatic = false)
    {
        foreach (var s in Entries(block))
        {
            if (!VirtualRuleSpec.TryParse(s.Text, out var spec, out string? error))
            {
                _d.Error(s.Location, $"{block.Keyword} '{s.Text}': {error}");
                continue;
            }

            if (spec.Priority is null)
            {
                uint priority = _nextRulePriority[spec.Family]--;
                _d.Warning(s.Location, $"{block.Keyword} '{s.Text}': rule has no preference specified - setting to {priority}. This is probably not what you want (as keepalived says)");
                spec = spec.WithPriority(priority);
            }

            if (StaticOptionsFit(s, block.Keyword, isStatic, spec.TrackGroup, null))
            {
                into.Add(spec.ToString());
            }
        }
    }

    /// <summary><c>unicast_peer { IP [min_ttl N] [max_ttl N] ... }</c>: a TTL limit also turns on the source check, as keepalived does.</summary>
    internal void ReadPeers(ConfigStatement block, VrrpInstanceOptions o)
    {
        foreach (var s in Entries(block))
        {
            if (!TryParseAddress(s.Keyword, out var address))
            {
                _d.Error(s.Location, $"unicast_peer '{s.Keyword}': expected an IPv4 or IPv6 address");
                continue;
            }

            string text = address.ToString();
            if (o.UnicastPeers.Contains(text))
            {
                _d.Warning(s.Location, $"unicast_peer '{s.Keyword}' is listed twice; ignored");
                continue;
            }

            var ttl = new UnicastPeerTtlOptions { Peer = text };
            bool limited = false;
            for (int i = 0; i < s.Arguments.Count; i += 2)
            {
                string option = s.Arguments[i].Text;
                if (i + 1 >= s.Arguments.Count)
                {
                    _d.Error(s.Location, $"unicast_peer '{s.Keyword}': {option} is missing a value");
                    break;
                }

                if (option is not ("min_ttl" or "max_ttl"))
                {
                    _d.Error(s.Location, $"unicast_peer '{s.Keyword}': unknown option '{option}' (expected min_ttl or max_ttl)");
                    break;
                }

                if (!TryParseInt(s, i + 1, 0, VrrpLimits.MaximumTtl, $"a number 0..{VrrpLimits.MaximumTtl}", out int value, $"unicast_peer {s.Keyword} {option}", checkExtra: false))
                {
                    break;
                }

                if (option == "min_ttl")
                {
                    ttl.MinTtl = value;
                }
                else
                {
                    ttl.MaxTtl = value;
                }

                limited = true;
            }

            if (ttl.MinTtl > ttl.MaxTtl)
            {
                _d.Warning(s.Location, $"unicast_peer '{s.Keyword}': min_ttl {ttl.MinTtl} > max_ttl {ttl.MaxTtl} - every advert from it will be dropped (as keepalived says)");
            }

            o.UnicastPeers.Add(text);
            if (limited)
            {
                o.UnicastPeerTtls.Add(ttl);
                o.CheckUnicastSource = true;
            }
        }
    }

    /// <summary><c>[vrrp_]garp_extra_if [all] SECONDS</c> (1..86400).</summary>
    internal void ReadGarpExtraInterfaces(ConfigStatement s, Action<TimeSpan?, bool> set)
    {
        bool all = false;
        int? seconds = null;
        for (int i = 0; i < s.Arguments.Count; i++)
        {
            if (s.Arguments[i].Text == "all")
            {
                all = true;
            }
            else if (TryParseInt(s, i, 1, 86400, "all or seconds 1..86400", out int value, checkExtra: false))
            {
                seconds = value;
            }
            else
            {
                return;
            }
        }

        if (seconds is null)
        {
            _d.Error(s.Location, $"{s.Keyword}: specified without time (seconds 1..86400)");
            return;
        }

        set(TimeSpan.FromSeconds(seconds.Value), all);
    }

    /// <summary>
    /// <c>interface_up_down_delays { IF DOWN [UP] ... }</c> (keepalived's <c>alloc_if_up_down_delay</c>): seconds
    /// 0..255 with up to six decimals; UP is 0 when left out; a line keepalived ignores (no delay, a bad one) is a
    /// warning.
    /// </summary>
    internal void ReadInterfaceDelays(ConfigStatement block, List<VrrpInterfaceDelayOptions> delays)
    {
        foreach (var s in Entries(block))
        {
            if (!IsInterfaceName(s, s.Keyword))
            {
                continue;
            }

            if (s.Arguments.Count == 0)
            {
                _d.Warning(s.Location, $"No timeouts specified for {s.Keyword} up/down delays; ignored (as keepalived does)");
                continue;
            }

            if (s.Arguments.Count > 2)
            {
                _d.Warning(s.Location, $"Too many parameters for {s.Keyword} up/down delays (as keepalived says)");
            }

            if (Delay(s, 0, "down") is not { } down || (s.Arguments.Count > 1 ? Delay(s, 1, "up") : TimeSpan.Zero) is not { } up)
            {
                continue;
            }

            delays.RemoveAll(d => d.Interface == s.Keyword);
            delays.Add(new VrrpInterfaceDelayOptions { Interface = s.Keyword, Down = down, Up = up });
        }

        TimeSpan? Delay(ConfigStatement s, int index, string which)
        {
            string text = s.Arguments[index].Text;
            if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal seconds) && seconds is >= 0 and <= 255)
            {
                return TimeSpan.FromTicks((long)(Math.Round(seconds, 6, MidpointRounding.AwayFromZero) * TimeSpan.TicksPerSecond));
            }

            _d.Warning(s.Location, $"Invalid {which} delay {text} for {s.Keyword} (seconds 0..255); the line is ignored (as keepalived does)");
            return null;
        }
    }

    /// <summary><c>track_group NAME { group { INSTANCE ... } }</c>: instances that track the interfaces of static entries naming the group.</summary>
    internal void ReadStaticTrackGroup(ConfigStatement s)
    {
        if (s.Arguments.Count != 1)
        {
            _d.Error(s.Location, "track_group must have a name (and only one)");
            return;
        }

        string name = s.Arguments[0].Text;
        if (_options.StaticTrackGroups.Exists(g => g.Name == name))
        {
            _d.Error(s.Location, $"track_group {name} already defined");
            return;
        }

        var group = new VrrpStaticTrackGroupOptions { Name = name };
        foreach (var statement in s.Block!)
        {
            if (statement.Keyword != "group" || statement.Block is null)
            {
                _d.Error(statement.Location, $"track_group {name}: expected group {{ INSTANCE ... }}, got '{statement.Keyword}'");
                continue;
            }

            foreach (var member in statement.Block)
            {
                group.Instances.Add(member.Keyword);
                group.Instances.AddRange(member.Arguments.Select(static a => a.Text));
            }
        }

        _options.StaticTrackGroups.Add(group);
        _staticTrackGroups.Add((group, s.Location));
    }

    /// <summary>Members of static track groups once every instance is read: keepalived ignores one that does not exist, and a group left empty.</summary>
    private void CompleteStaticTrackGroups()
    {
        foreach (var (group, at) in _staticTrackGroups)
        {
            foreach (string missing in group.Instances.Where(m => !_options.Instances.Exists(i => i.Name == m)).ToList())
            {
                _d.Warning(at, $"track_group {group.Name}: vrrp instance {missing} doesn't exist - ignoring (as keepalived says)");
                group.Instances.Remove(missing);
            }

            if (group.Instances.Count == 0)
            {
                _d.Warning(at, $"track_group {group.Name} has no VRRP instance(s); removed (as keepalived does)");
                _options.StaticTrackGroups.Remove(group);
            }
        }
    }

    /// <summary>The lines of a block of entries (no nested blocks).</summary>
    private IEnumerable<ConfigStatement> Entries(ConfigStatement block)
    {
        foreach (var s in block.Block!)
        {
            if (s.Block is not null)
            {
                _d.Error(s.Location, $"{block.Keyword}: '{s.Keyword}' does not take a block");
                continue;
            }

            yield return s;
        }
    }
}
