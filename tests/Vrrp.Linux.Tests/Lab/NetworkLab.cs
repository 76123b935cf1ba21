using System.Globalization;

namespace Vrrp.Linux.Tests.Lab;

/// <summary>
/// A LAN of network namespaces (test-lab.md): a bridge in its own namespace and hosts attached by veth pairs, every
/// name carrying a per-run random prefix. Cuts and heals links, captures on the bridge (tcpdump, decoded by tshark),
/// runs keepalived in a host with its own pid files. Dispose removes every process, namespace and file, also after a
/// failure.
/// </summary>
public sealed class NetworkLab : IDisposable
{
    private readonly List<string> _namespaces = [];
    private readonly List<BackgroundProcess> _processes = [];
    private readonly Dictionary<string, LabHost> _hosts = [];
    private int _nextPort;

    /// <summary>Creates the LAN namespace and its bridge br0 (multicast snooping off: VRRP multicast is flooded).</summary>
    public NetworkLab()
    {
        Prefix = "vl" + Convert.ToHexString(BitConverter.GetBytes(Random.Shared.Next())).ToLowerInvariant()[..6];
        Directory = Path.Combine(Path.GetTempPath(), Prefix);
        System.IO.Directory.CreateDirectory(Directory);
        try
        {
            LanNamespace = AddNamespace("lan");
            LabProcess.Ip("-n", LanNamespace, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0", "forward_delay", "0");
            LabProcess.Ip("-n", LanNamespace, "link", "set", "br0", "up");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The per-run prefix of every name.</summary>
    public string Prefix { get; }

    /// <summary>A temporary folder for configs, pid files and captures.</summary>
    public string Directory { get; }

    /// <summary>The namespace holding the bridge.</summary>
    public string LanNamespace { get; }

    /// <summary>A host by its short name.</summary>
    public LabHost this[string name] => _hosts[name];

    /// <summary>
    /// Adds a host namespace with eth0 on the bridge, optional IPv4 and IPv6 addresses (CIDR), DAD off so that IPv6
    /// addresses (link-local included) are usable at once.
    /// </summary>
    public LabHost AddHost(string name, string? ipv4 = null, string? ipv6 = null)
    {
        string ns = AddNamespace(name);
        string port = $"{Prefix}{_nextPort}p";
        LabProcess.Run("ip", ["netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"]);
        LabProcess.Ip("-n", ns, "link", "set", "lo", "up");
        AttachEth0(ns, port, ipv4, ipv6);
        var host = new LabHost(this, name, ns, port);
        _hosts[name] = host;
        return host;
    }

    /// <summary>
    /// Creates the host's eth0 again after it was deleted (a new veth pair, so a new interface index), with the given
    /// addresses, on the same bridge port name.
    /// </summary>
    public void RecreateEth0(LabHost host, string? ipv4 = null, string? ipv6 = null) => AttachEth0(host.Namespace, host.Port, ipv4, ipv6);

    // A veth pair: eth0 in the host, the port on the bridge; up, with the addresses.
    private void AttachEth0(string ns, string port, string? ipv4, string? ipv6)
    {
        string inside = $"{Prefix}{_nextPort++}a";
        LabProcess.Ip("link", "add", inside, "netns", ns, "type", "veth", "peer", "name", port, "netns", LanNamespace);
        LabProcess.Ip("-n", ns, "link", "set", inside, "name", "eth0");
        if (ipv4 is not null)
        {
            LabProcess.Ip("-n", ns, "addr", "add", ipv4, "dev", "eth0");
        }

        if (ipv6 is not null)
        {
            LabProcess.Ip("-n", ns, "addr", "add", ipv6, "dev", "eth0", "nodad");
        }

        LabProcess.Ip("-n", ns, "link", "set", "eth0", "up");
        LabProcess.Ip("-n", LanNamespace, "link", "set", port, "master", "br0");
        LabProcess.Ip("-n", LanNamespace, "link", "set", port, "up");
    }

    /// <summary>
    /// Gives a host another interface on another bridge of the LAN namespace (created on first use, multicast snooping
    /// off): a second segment, for routers with two legs.
    /// </summary>
    public void AddInterface(LabHost host, string bridge, string device, string? ipv4 = null, string? ipv6 = null)
    {
        if (!LabProcess.Ip("-n", LanNamespace, "-br", "link", "show").Split('\n').Any(l => l.StartsWith(bridge + " ", StringComparison.Ordinal)))
        {
            LabProcess.Ip("-n", LanNamespace, "link", "add", bridge, "type", "bridge", "mcast_snooping", "0", "forward_delay", "0");
            LabProcess.Ip("-n", LanNamespace, "link", "set", bridge, "up");
        }

        int n = _nextPort++;
        string inside = $"{Prefix}{n}a";
        string port = $"{Prefix}{n}p";
        LabProcess.Ip("link", "add", inside, "netns", host.Namespace, "type", "veth", "peer", "name", port, "netns", LanNamespace);
        LabProcess.Ip("-n", host.Namespace, "link", "set", inside, "name", device);
        if (ipv4 is not null)
        {
            LabProcess.Ip("-n", host.Namespace, "addr", "add", ipv4, "dev", device);
        }

        if (ipv6 is not null)
        {
            LabProcess.Ip("-n", host.Namespace, "addr", "add", ipv6, "dev", device, "nodad");
        }

        LabProcess.Ip("-n", host.Namespace, "link", "set", device, "up");
        LabProcess.Ip("-n", LanNamespace, "link", "set", port, "master", bridge);
        LabProcess.Ip("-n", LanNamespace, "link", "set", port, "up");
    }

    /// <summary>
    /// Two subnets joined by a router: <paramref name="ours"/> at 10.1.0.11/24 on br0, <paramref name="theirs"/> at
    /// 10.2.0.12/24 on br1, a router "gw" forwarding between 10.1.0.1 and 10.2.0.1 (each host's default route), so
    /// unicast adverts between the two arrive with their TTL decremented once.
    /// </summary>
    public static (NetworkLab Lab, LabHost Ours, LabHost Theirs) Routed(string ours, string theirs)
    {
        var lab = new NetworkLab();
        try
        {
            var left = lab.AddHost(ours, "10.1.0.11/24");
            var right = lab.AddHostOn("br1", theirs, "10.2.0.12/24");
            var router = lab.AddHost("gw", "10.1.0.1/24");
            lab.AddInterface(router, "br1", "eth1", "10.2.0.1/24");
            router.Exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            left.Exec("ip", "route", "add", "default", "via", "10.1.0.1");
            right.Exec("ip", "route", "add", "default", "via", "10.2.0.1");
            return (lab, left, right);
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    /// <summary>Adds a host whose eth0 is on another bridge than br0 (another segment; see <see cref="AddInterface"/>).</summary>
    public LabHost AddHostOn(string bridge, string name, string? ipv4 = null, string? ipv6 = null)
    {
        string ns = AddNamespace(name);
        LabProcess.Run("ip", ["netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"]);
        LabProcess.Ip("-n", ns, "link", "set", "lo", "up");
        var host = new LabHost(this, name, ns, "");
        AddInterface(host, bridge, "eth0", ipv4, ipv6);
        _hosts[name] = host;
        return host;
    }

    /// <summary>Creates a bare namespace (registered for removal).</summary>
    public string AddNamespace(string name)
    {
        string ns = $"{Prefix}-{name}";
        LabProcess.Ip("netns", "add", ns);
        _namespaces.Add(ns);
        return ns;
    }

    /// <summary>Writes a file (a configuration, a script) into the lab's directory and returns its path.</summary>
    public string WriteFile(string name, string text)
    {
        string file = Path.Combine(Directory, name);
        File.WriteAllText(file, text);
        return file;
    }

    /// <summary>Starts tcpdump on br0 (bounded wait until it listens).</summary>
    public LabCapture StartCapture(string name, string filter = "", string bridge = "br0")
    {
        string file = Path.Combine(Directory, name + ".pcap");
        var args = new List<string> { "netns", "exec", LanNamespace, "tcpdump", "-i", bridge, "--immediate-mode", "-U", "-n", "-w", file };
        if (filter.Length > 0)
        {
            args.AddRange(filter.Split(' '));
        }

        var process = Track(new BackgroundProcess("ip", args));
        if (!process.WaitForOutput("listening on", TimeSpan.FromSeconds(10)))
        {
            throw new InvalidOperationException("tcpdump did not start: " + process.Output);
        }

        return new LabCapture(process, file);
    }

    /// <summary>Starts keepalived (VRRP only, foreground, own pid files) in a host.</summary>
    public BackgroundProcess StartKeepalived(LabHost host, string config)
    {
        string baseName = Path.Combine(Directory, "keepalived-" + host.Name);
        File.WriteAllText(baseName + ".conf", config);
        return Track(new BackgroundProcess("ip", [
            "netns", "exec", host.Namespace, "keepalived", "-n", "-l", "-D", "-G", "--vrrp",
            "-f", baseName + ".conf", "-p", baseName + ".pid", "-r", baseName + ".vrrp.pid", "-c", baseName + ".chk.pid",
            "-i", host.Name]));
    }

    /// <summary>Registers a process to be ended in <see cref="Dispose"/>.</summary>
    public BackgroundProcess Track(BackgroundProcess process)
    {
        lock (_processes)
        {
            _processes.Add(process);
        }

        return process;
    }

    public void Dispose()
    {
        lock (_processes)
        {
            foreach (var p in _processes)
            {
                p.Dispose();
            }

            _processes.Clear();
        }

        foreach (string ns in _namespaces.AsEnumerable().Reverse())
        {
            LabProcess.Run("ip", ["netns", "del", ns], allowFailure: true);
        }

        _namespaces.Clear();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A host of the lab: its namespace and its bridge port.</summary>
public sealed class LabHost(NetworkLab lab, string name, string ns, string port)
{
    public string Name { get; } = name;

    public string Namespace { get; } = ns;

    public string Port { get; } = port;

    /// <summary>Cuts the host off the LAN (its bridge port down; the host's own eth0 keeps carrier).</summary>
    public void Cut() => LabProcess.Ip("-n", lab.LanNamespace, "link", "set", Port, "down");

    /// <summary>Reconnects the host.</summary>
    public void Heal() => LabProcess.Ip("-n", lab.LanNamespace, "link", "set", Port, "up");

    /// <summary>Runs a command inside the host.</summary>
    public string Exec(params string[] command) => LabProcess.Run("ip", ["netns", "exec", Namespace, .. command]);

    /// <summary>Runs a command inside the host, returning its exit status instead of throwing.</summary>
    public bool TryExec(out string output, params string[] command)
    {
        try
        {
            output = Exec(command);
            return true;
        }
        catch (InvalidOperationException ex)
        {
            output = ex.Message;
            return false;
        }
    }

    /// <summary>The MAC of eth0.</summary>
    public byte[] Mac
    {
        get
        {
            string text = LabProcess.Ip("-n", Namespace, "-br", "link", "show", "eth0");
            string mac = text.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2];
            return Convert.FromHexString(mac.Replace(":", "", StringComparison.Ordinal));
        }
    }

    /// <summary>The addresses on an interface as <c>ip -br addr</c> prints them.</summary>
    public string Addresses(string device = "eth0") => LabProcess.Ip("-n", Namespace, "-br", "addr", "show", "dev", device);

    public override string ToString() => Namespace;
}

/// <summary>A running capture on the bridge.</summary>
public sealed class LabCapture(BackgroundProcess tcpdump, string file)
{
    public string File { get; } = file;

    /// <summary>Stops tcpdump (SIGINT, so the file is complete).</summary>
    public void Stop()
    {
        Thread.Sleep(100);
        tcpdump.Signal("INT");
    }

    /// <summary>What tcpdump printed (for example "3 packets captured").</summary>
    public string Log => tcpdump.Output;

    /// <summary>Runs tshark on the capture with extra arguments (for example <c>-Y vrrp -V</c>).</summary>
    public string Tshark(params string[] arguments) => LabProcess.Run("tshark", ["-n", "-r", File, .. arguments]);

    /// <summary>Lines of <c>tshark -T fields</c> output for a display filter.</summary>
    public List<string[]> Fields(string displayFilter, params string[] fields)
    {
        var args = new List<string> { "-Y", displayFilter, "-T", "fields", "-E", "separator=|" };
        foreach (var f in fields)
        {
            args.Add("-e");
            args.Add(f);
        }

        return Tshark([.. args]).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('|'))
            .ToList();
    }

    /// <summary>The raw frames of the capture (classic pcap: 24-byte header, 16-byte record headers).</summary>
    public List<byte[]> Frames()
    {
        byte[] bytes = System.IO.File.ReadAllBytes(File);
        var frames = new List<byte[]>();
        int offset = 24;
        while (offset + 16 <= bytes.Length)
        {
            int captured = BitConverter.ToInt32(bytes, offset + 8);
            offset += 16;
            if (offset + captured > bytes.Length)
            {
                break;
            }

            frames.Add(bytes.AsSpan(offset, captured).ToArray());
            offset += captured;
        }

        return frames;
    }

    /// <summary>The frames' epoch times (seconds) for a display filter.</summary>
    public List<double> Times(string displayFilter) =>
        Fields(displayFilter, "frame.time_epoch").Select(f => double.Parse(f[0], CultureInfo.InvariantCulture)).ToList();
}
