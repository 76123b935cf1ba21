using System.Text;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests.Chaos;

/// <summary>
/// Three routers on a bridged namespace LAN (test-lab.md), with the faults that need the lab: a bridge port down
/// (the router's carrier drops) and nftables in each router's namespace dropping VRRP from the routers of other
/// partitions and a random share of the rest.
/// </summary>
internal sealed class ChaosLan : IDisposable
{
    public const string Vip = "192.0.2.200";

    private readonly NetworkLab _lab = new();
    private readonly List<ChaosNode> _nodes = [];

    public ChaosLan(int routers)
    {
        try
        {
            for (int i = 0; i < routers; i++)
            {
                string address = $"192.0.2.{11 + i}";
                _nodes.Add(new ChaosNode(_lab, _lab.AddHost($"r{i + 1}", address + "/24"), address));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IReadOnlyList<ChaosNode> Nodes => _nodes;

    public string Prefix => _lab.Prefix;

    /// <summary>Takes a router's bridge port down or up.</summary>
    public static void SetLink(ChaosNode node, bool up)
    {
        if (up)
        {
            node.Host.Heal();
        }
        else
        {
            node.Host.Cut();
        }

        node.LinkDown = !up;
    }

    /// <summary>
    /// Writes each router's nftables table from its <see cref="ChaosNode.Group"/> and <see cref="ChaosNode.LossPercent"/>:
    /// VRRP (protocol 112) from routers of other groups is dropped, and a random share of the rest. Replaced atomically.
    /// </summary>
    public void ApplyFilters()
    {
        foreach (var node in _nodes)
        {
            var rules = new List<string>();
            var others = _nodes.Where(n => n.Group != node.Group).Select(n => n.Address).ToList();
            if (others.Count > 0)
            {
                rules.Add($"ip protocol 112 ip saddr {{ {string.Join(", ", others)} }} drop");
            }

            if (node.LossPercent > 0)
            {
                rules.Add($"ip protocol 112 numgen random mod 100 < {node.LossPercent} drop");
            }

            var script = new StringBuilder();
            script.AppendLine("table inet vrrpchaos");
            script.AppendLine("delete table inet vrrpchaos");
            if (rules.Count > 0)
            {
                script.AppendLine("table inet vrrpchaos {");
                script.AppendLine("  chain input {");
                script.AppendLine("    type filter hook input priority 0; policy accept;");
                rules.ForEach(r => script.AppendLine("    " + r));
                script.AppendLine("  }");
                script.AppendLine("}");
            }

            string file = Path.Combine(_lab.Directory, node.Name + ".nft");
            File.WriteAllText(file, script.ToString());
            node.Host.Exec("nft", "-f", file);
        }
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }

        _lab.Dispose();
    }
}
