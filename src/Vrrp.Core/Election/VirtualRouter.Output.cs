using Vrrp.Packets;

namespace Vrrp.Election;

// What the router asks its driver to do: the action queue and the adverts it writes.
public partial class VirtualRouter
{
    /// <summary>Takes the next action to perform, in order.</summary>
    /// <param name="action">The action when the result is true.</param>
    /// <returns>False when there is nothing (left) to do.</returns>
    public bool TryPollAction(out VirtualRouterAction action)
    {
        if (_actionCount == 0)
        {
            action = default;
            return false;
        }

        action = _actions[_actionHead];
        _actions[_actionHead] = default;
        _actionHead = (_actionHead + 1) % _actions.Length;
        _actionCount--;
        return true;
    }

    /// <summary>
    /// Writes the advertisement of a <see cref="VirtualRouterActionKind.SendAdvertisement"/> action, checksummed for
    /// its destination (the v3 pseudo-header covers the IP destination: the multicast group or one unicast peer).
    /// </summary>
    /// <param name="send">The action.</param>
    /// <param name="buffer">At least <see cref="AdvertisementLength"/> bytes.</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentException">The action is not a send of this router, or the buffer is too small.</exception>
    public int WriteAdvertisement(in VirtualRouterAction send, Span<byte> buffer)
    {
        if (send.Kind != VirtualRouterActionKind.SendAdvertisement || !ReferenceEquals(send.Router, this))
        {
            throw new ArgumentException($"Not a SendAdvertisement action of virtual router '{Name}'.", nameof(send));
        }

        return WriteAdvertisement(buffer, send.Priority, send.Destination, send.AuthenticationSequence, send.IPIdentification);
    }

    /// <summary>
    /// Writes our advertisement for an IP destination (it enters the v3 pseudo-header checksum). With AH, the whole
    /// IPv4 packet with the given sequence number and identification (those of the send action).
    /// </summary>
    internal int WriteAdvertisement(Span<byte> buffer, byte priority, IPAddressValue ipDestination, uint sequence = 1, ushort identification = 1)
    {
        var fields = new AdvertisementFields(_config.Version, _config.VirtualRouterId, priority, _wireInterval, _config.AuthenticationType);
        if (!UsesAuthenticationHeader)
        {
            // keepalived's old unicast form: the pseudo-header names the multicast group, whatever the IP destination.
            var checksumDestination = UsesOldUnicastChecksum ? MulticastGroup : ipDestination;
            return VrrpPacket.Write(buffer, in fields, _advertised, _password, LocalAddress, checksumDestination, _config.ChecksumMode);
        }

        // RFC 2338 section 5.3.6.3 as keepalived 2.2.7 sends it: header and AH in front, the message with zero
        // authentication data, the ICV over all of it. To the group TTL 255, to a unicast peer the unicast TTL.
        const int offset = AuthenticationHeader.IPv4HeaderLength + AuthenticationHeader.Length;
        if (buffer.Length < offset)
        {
            throw new ArgumentException($"The advertisement needs {AdvertisementLength} bytes; the buffer has {buffer.Length}.", nameof(buffer));
        }

        int length = offset + VrrpPacket.Write(buffer[offset..], in fields, _advertised, [], LocalAddress, ipDestination);
        bool unicast = _config.UnicastPeers.Count > 0;
        AuthenticationHeader.Write(buffer[..length], identification, unicast ? _config.UnicastHopLimit : VrrpPacket.RequiredHopLimit, LocalAddress, ipDestination, sequence, _password, unicast);
        return length;
    }

    /// <summary>Sets the address adverts are sent from (before start, by the router set that opened the channel).</summary>
    internal void SetLocalAddress(IPAddressValue localAddress)
    {
        if (localAddress.Family != _config.Family)
        {
            throw new ArgumentException($"Virtual router '{_config.Name}': the local address {localAddress} is not {_config.Family}.", nameof(localAddress));
        }

        LocalAddress = localAddress;
    }

    private void SendAdvertisement(byte priority, long now)
    {
        Counters.AdvertisementsSent++;
        if (priority == 0)
        {
            Counters.PriorityZeroSent++;
        }

        // With AH, one sequence number and IPv4 identification per advert, the same to every peer (keepalived).
        uint sequence = 0;
        ushort identification = 0;
        if (UsesAuthenticationHeader)
        {
            if (_ahSequence > 0xFFFFFFFD)
            {
                _ahCycle = true;
            }
            else
            {
                _ahSequence++;
            }

            sequence = _ahSequence;
            identification = ++_ipIdentification == 0 ? ++_ipIdentification : _ipIdentification;
        }

        // One message per destination: the group, or each unicast peer (each checksummed for its peer when written).
        for (int i = 0; i < _destinations.Length; i++)
        {
            Enqueue(new VirtualRouterAction
            {
                Kind = VirtualRouterActionKind.SendAdvertisement,
                Priority = priority,
                Destination = _destinations[i],
                Time = now,
                AuthenticationSequence = sequence,
                IPIdentification = identification,
            });
        }
    }

    private void Announce(AnnouncementReason reason, int repeat, long now)
    {
        if (repeat > 0)
        {
            Enqueue(new VirtualRouterAction { Kind = VirtualRouterActionKind.Announce, Announcement = reason, Repeat = repeat, Time = now });
        }
    }

    private void Enqueue(in VirtualRouterAction action)
    {
        if (_actionCount == _actions.Length)
        {
            var bigger = new VirtualRouterAction[_actions.Length * 2];
            for (int i = 0; i < _actionCount; i++)
            {
                bigger[i] = _actions[(_actionHead + i) % _actions.Length];
            }

            _actions = bigger;
            _actionHead = 0;
        }

        _actions[(_actionHead + _actionCount) % _actions.Length] = action with { Router = this, Channel = ChannelIndex };
        _actionCount++;
    }
}
