using Vrrp.Packets;

namespace Vrrp.Runtime;

/// <summary>One shared channel (interface + family + source/peer settings) and the instances it dispatches to by VRID.</summary>
internal sealed class DriverChannel
{
    public DriverChannel(string key, VrrpChannelOptions options)
    {
        Key = key;
        Options = options;
    }

    public string Key { get; }

    public VrrpChannelOptions Options { get; }

    public VrrpAddressFamily Family => Options.Family;

    public IVrrpChannel? Channel { get; set; }

    public VirtualRouterHandle?[] ByVirtualRouterId { get; } = new VirtualRouterHandle?[256];

    public byte[] ReceiveBuffer { get; } = new byte[65536];

    public long[] Drops { get; } = new long[Enum.GetValues<DropReason>().Length + 1];

    public long UnknownVirtualRouterIds { get; set; }

    public long LastUnattributedLog { get; set; } = long.MinValue / 2;

    public void CountDrop(DropReason reason) => Drops[(uint)reason < (uint)Drops.Length ? (int)reason : Drops.Length - 1]++;
}
