using Vrrp.Hosting;

namespace Vrrp.Keepalived;

// keepalived's checks and fixes for unicast settings and strict mode once an instance is read (its vrrp_end_handler
// and vrrp_complete_instance), with its reasons in its words.
internal sealed partial class KeepalivedConfigBinder
{
    private void CompleteUnicast(InstanceDraft draft)
    {
        var o = draft.Options;
        bool unicastKeyword = draft.Has("unicast_peer") || draft.Has("unicast_src_ip") || draft.Has("check_unicast_src") || draft.Has("unicast_fault_no_peer") ||
            draft.Has("old_unicast_checksum");
        if (unicastKeyword && o.UseVirtualMac && !o.VirtualMacTransmitOnBase)
        {
            _d.Warning(draft.At, $"vrrp_instance '{o.Name}': unicast with use_vmac requires vmac_xmit_base; set (as keepalived does)");
            o.VirtualMacTransmitOnBase = true;
        }

        if (o.VirtualMacTransmitOnBase && !o.UseVirtualMac)
        {
            _d.Warning(draft.Seen["vmac_xmit_base"], $"vrrp_instance '{o.Name}': vmac_xmit_base is only valid with use_vmac; cleared (as keepalived does)");
            o.VirtualMacTransmitOnBase = false;
        }

        if (o.MulticastGroup is not null && o.UnicastPeers.Count > 0)
        {
            _d.Warning(draft.Seen["mcast_dst_ip"], $"vrrp_instance '{o.Name}': multicast destination specified with unicast; ignored (as keepalived does)");
            o.MulticastGroup = null;
        }

        if (o.MulticastGroup is { } group && o.VirtualAddresses.Count > 0 &&
            IPAddressValue.Parse(group).Family is var groupFamily && groupFamily != VirtualAddressSpec.Parse(o.VirtualAddresses[0]).Address.Family)
        {
            _d.Error(draft.Seen["mcast_dst_ip"], $"vrrp_instance '{o.Name}': mcast_dst_ip {group} must match the instance's family (its virtual addresses are not {groupFamily}; as keepalived says)");
        }

        if (o.UnicastTtl is not null && o.UnicastPeers.Count == 0)
        {
            _d.Warning(draft.Seen["unicast_ttl"], $"vrrp_instance '{o.Name}': unicast_ttl without unicast peers; ignored (as keepalived does)");
            o.UnicastTtl = null;
        }

        if (o.UnicastPeers.Count == 0 && o.UnicastFaultNoPeer)
        {
            _d.Warning(draft.Seen["unicast_fault_no_peer"], $"vrrp_instance '{o.Name}': unicast_fault_no_peer without unicast peers; the instance stays in Fault (as keepalived does)");
        }
        else if (o.UnicastPeers.Count == 0 && (draft.Has("unicast_peer") || draft.Has("unicast_src_ip") || draft.Has("old_unicast_checksum")) && !draft.Has("check_unicast_src"))
        {
            _d.Warning(draft.At, $"vrrp_instance '{o.Name}': a unicast keyword without unicast peers; multicast is used (as keepalived does, which calls this deprecated)");
        }
    }

    /// <summary>
    /// strict_mode / vrrp_strict: keepalived refuses unicast peers, makes the start-up state follow ownership, drops
    /// authentication and preempt_delay, defaults to no_accept (an owner accepts), and sends no extra adverts or
    /// lower-priority announcements.
    /// </summary>
    private void CompleteStrictMode(InstanceDraft draft)
    {
        var o = draft.Options;
        bool owner = o.Priority == VrrpLimits.MaximumPriority;
        if (!o.StrictMode)
        {
            return;
        }

        string who = $"vrrp_instance '{o.Name}'";
        if (o.UnicastPeers.Count > 0 && o.Interface.Length > 0) // keepalived allows them on no interface (or one without multicast)
        {
            _d.Error(draft.Seen["unicast_peer"], $"{who}: unicast peers are not supported in strict mode (keepalived does not run the instance); leave strict_mode out, or use multicast");
        }

        if (o.InitialState is { } state && (state == VrrpState.Master) != owner)
        {
            _d.Warning(draft.At, $"{who}: in strict mode state MASTER must match being the address owner; {(owner ? "MASTER" : "BACKUP")} is used (as keepalived does)");
            o.InitialState = owner ? VrrpState.Master : VrrpState.Backup;
        }

        if (o.Accept is null)
        {
            o.Accept = owner; // strict: no_accept unless the owner
        }
        else if (o.Accept == true && !owner && o.Version == VrrpVersion.V2)
        {
            _d.Warning(draft.Seen["accept"], $"{who}: accept mode for VRRP version 2 does not comply with RFC 3768 in strict mode; no_accept is used (as keepalived does)");
            o.Accept = false;
        }

        Reset("garp_lower_prio_repeat", o.GarpLowerPriorityRepeat != 0, () => o.GarpLowerPriorityRepeat = 0, "strict mode sends no repeated announcements");
        Reset("garp_lower_prio_delay", o.GarpLowerPriorityDelay != TimeSpan.Zero, () => o.GarpLowerPriorityDelay = TimeSpan.Zero, "strict mode has no repeated announcement delay");
        Reset("higher_prio_send_advert", o.HigherPrioritySendAdvert, () => o.HigherPrioritySendAdvert = false, "strict mode needs higher_prio_send_advert off");
        Reset("lower_prio_no_advert", !o.LowerPriorityNoAdvert, () => o.LowerPriorityNoAdvert = true, "strict mode requires no advert in answer to a lower priority");
        if (o.DownTimerAdverts != 3)
        {
            // keepalived says so even when the number came from vrrp_down_timer_adverts.
            _d.Warning(draft.Seen.GetValueOrDefault("down_timer_adverts", draft.At), $"{who}: down_timer_adverts is incompatible with strict mode; 3 is used (as keepalived does)");
            o.DownTimerAdverts = 3;
        }

        if (o.VirtualMacTransmitOnBase)
        {
            _d.Warning(draft.Seen.GetValueOrDefault("vmac_xmit_base", draft.At), $"{who}: vmac_xmit_base is incompatible with strict mode; cleared (as keepalived does)");
            o.VirtualMacTransmitOnBase = false;
        }

        if (o.VirtualAddresses.Count > 0 && VirtualAddressSpec.Parse(o.VirtualAddresses[0]).Address is { Family: VrrpAddressFamily.IPv6 } first && !first.Address.IsIPv6LinkLocal)
        {
            _d.Warning(draft.Seen["virtual_ipaddress"], $"{who}: in strict mode the first IPv6 virtual address must be link-local ({first} is not; as keepalived says)");
        }

        // A keyword set in the instance is reset with a warning; one left out takes strict mode's value silently.
        void Reset(string keyword, bool set, Action reset, string why)
        {
            if (!set)
            {
                return;
            }

            if (draft.Seen.TryGetValue(keyword, out var at))
            {
                _d.Warning(at, $"{who}: {why}; {keyword} is reset (as keepalived does)");
            }

            reset();
        }
    }
}
