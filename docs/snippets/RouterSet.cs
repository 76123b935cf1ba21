// docs/architecture.md: a driver's loop over the router set, with a fake wire (runs as a test).
#region usings
using Vrrp;
using Vrrp.Election;
#endregion

namespace Vrrp.Docs.Snippets;

public static class RouterSet
{
    public static (int Sends, VrrpState State) Run()
    {
        #region loop
        var set = new VirtualRouterSet();
        set.Add(new VirtualRouterConfiguration
        {
            Name = "VI_1",
            InterfaceName = "eth0",
            VirtualRouterId = 51,
            Priority = 150,
            VirtualAddresses = [VirtualAddress.Parse("192.0.2.100/24")],
            UnicastPeers = [IPAddressValue.Parse("192.0.2.12"), IPAddressValue.Parse("192.0.2.13")],
        });

        // 1. Open a transport channel for each of the set's channels; tell the set its source address.
        for (int channel = 0; channel < set.ChannelCount; channel++)
        {
            VrrpChannelOptions options = set.GetChannel(channel);      // interface, family, join the group or not
            set.SetLocalAddress(channel, IPAddressValue.Parse("192.0.2.11"));
        }

        // 2. Start, then loop: feed datagrams and time, perform the actions, sleep until the earliest deadline.
        long now = 0;
        set.Start(now);
        int sends = 0;
        var buffer = new byte[64];
        void Perform()
        {
            while (set.TryPollAction(out var action))
            {
                if (action.Kind == VirtualRouterActionKind.SendAdvertisement)
                {
                    // One action per destination, checksummed for it: here each unicast peer in turn.
                    int length = action.Router!.WriteAdvertisement(in action, buffer);
                    // transport.Send(channel: action.Channel, buffer[..length], action.Destination)
                    sends++;
                }
            }
        }

        Perform();
        now = set.NextTimeout!.Value;                  // nobody else is master: Master_Down_Interval passes
        set.HandleTimeout(now);                        // (a datagram would go to set.HandleDatagram(channel, bytes, meta, now))
        Perform();
        #endregion
        return (sends, set.Find("VI_1")!.State);
    }
}
