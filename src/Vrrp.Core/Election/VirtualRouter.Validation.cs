using Vrrp.Packets;

namespace Vrrp.Election;

// Receive validation, the steps of RFC 9568 section 7.1 that need the router's configuration (steps 6-11 of the receive order).
public partial class VirtualRouter
{
    private DropReason Validate(in Advertisement advertisement)
    {
        // Step 2 when the channel deferred it (it carries unicast adverts too): multicast adverts must come with TTL /
        // hop limit 255 (RFC 9568 section 7.1); unicast ones may cross routers (keepalived checks only a peer's range).
        int hopLimit = advertisement.HopLimit;
        if (_config.UnicastPeers.Count == 0 && hopLimit != -1 && hopLimit != VrrpPacket.RequiredHopLimit)
        {
            return DropReason.TtlNot255;
        }

        if (advertisement.Version != _config.Version)
        {
            return DropReason.VersionMismatch;
        }

        if (advertisement.VirtualRouterId != _config.VirtualRouterId)
        {
            return DropReason.UnknownVirtualRouterId;
        }

        if (advertisement.Family != _config.Family)
        {
            return DropReason.AddressFamilyMismatch;
        }

        if (advertisement.Source == LocalAddress)
        {
            return DropReason.OwnAdvertisement;
        }

        if (_config.ChecksUnicastSource)
        {
            if (!IsUnicastPeer(advertisement.Source))
            {
                return DropReason.UnicastSourceNotAllowed;
            }

            // keepalived: unicast_peer { ADDR min_ttl N max_ttl M }, checked with the source.
            if (hopLimit != -1 && _config.PeerHopLimits.TryGetValue(advertisement.Source, out var range) && !range.Contains(hopLimit))
            {
                return DropReason.TtlOutOfRange;
            }
        }

        // keepalived's old unicast checksum (old_unicast_checksum): after the source checks, so only a peer can switch us.
        if (advertisement.Family == VrrpAddressFamily.IPv4 && advertisement.Version == VrrpVersion.V3 && !AcceptsChecksumForm(in advertisement))
        {
            return DropReason.BadChecksum;
        }

        if (_config.Version == VrrpVersion.V2)
        {
            DropReason auth = VrrpPacket.CheckAuthentication(in advertisement, _config.AuthenticationType, _password, _config.UnicastPeers.Count > 0);
            if (auth != DropReason.None)
            {
                return auth;
            }

            if (UsesAuthenticationHeader)
            {
                // RFC 2402 section 3.4.3 as keepalived applies it: a sequence number not above the last one sent or
                // accepted is a replay ("sequence number already processed"), counted as an authentication failure.
                if (advertisement.AuthenticationSequence <= _ahSequence)
                {
                    return DropReason.AuthenticationFailure;
                }

                _ahSequence = advertisement.AuthenticationSequence;
                if (_state == VrrpState.Backup)
                {
                    _ahCycle = false;
                }
            }

            if (advertisement.Interval != _wireInterval)
            {
                return DropReason.IntervalMismatch;
            }
        }
        else if (advertisement.Interval == 0)
        {
            return DropReason.ZeroInterval;
        }

        if (_config.RequireLinkLocalFirstAddress)
        {
            return VrrpPacket.CheckFirstAddressLinkLocal(in advertisement);
        }

        return DropReason.None;
    }

    /// <summary>
    /// keepalived 2.2.7's checksum rules for VRRPv3/IPv4 (vrrp.c, vrrp_check_packet): while the old unicast form is in
    /// use only it is accepted (a multicast advert is the same in both forms); otherwise the old form is dropped, unless
    /// the mode is <see cref="OldUnicastChecksum.Auto"/> and this is a unicast router: then it switches for good.
    /// </summary>
    private bool AcceptsChecksumForm(in Advertisement advertisement)
    {
        if (_oldUnicastChecksum)
        {
            return advertisement.ChecksumForm == ChecksumForm.IPv4OldUnicast || advertisement.Destination == MulticastGroup;
        }

        if (advertisement.ChecksumForm != ChecksumForm.IPv4OldUnicast)
        {
            return true;
        }

        if (_config.OldUnicastChecksum != OldUnicastChecksum.Auto || _config.UnicastPeers.Count == 0)
        {
            return false;
        }

        _oldUnicastChecksum = true;
        Enqueue(new VirtualRouterAction { Kind = VirtualRouterActionKind.OldUnicastChecksumAdopted, Peer = advertisement.Source, PeerPriority = advertisement.Priority });
        return true;
    }

    private bool IsUnicastPeer(IPAddressValue source)
    {
        var peers = _config.UnicastPeers;
        for (int i = 0; i < peers.Count; i++)
        {
            if (peers[i] == source)
            {
                return true;
            }
        }

        return false;
    }

    private void CheckAddressList(in Advertisement advertisement, long now)
    {
        bool matches = advertisement.AddressesMatch(_advertised);
        if (matches)
        {
            _addressMismatchReported = false;
        }
        else if (!_addressMismatchReported)
        {
            _addressMismatchReported = true;
            Enqueue(new VirtualRouterAction { Kind = VirtualRouterActionKind.AddressListMismatch, Peer = advertisement.Source, PeerPriority = advertisement.Priority, Time = now });
        }
    }
}
