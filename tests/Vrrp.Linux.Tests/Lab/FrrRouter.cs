using System.Globalization;
using System.Text.Json;

namespace Vrrp.Linux.Tests.Lab;

/// <summary>The VRRP settings of one FRR virtual router (IPv4 only: the lab's interop groups are IPv4).</summary>
/// <param name="VirtualRouterId">The VRID.</param>
/// <param name="Version">2 or 3.</param>
/// <param name="Priority">1..254 (FRR has no address owner mode).</param>
/// <param name="IntervalMs">The advertisement interval in milliseconds (v2: a multiple of 1000).</param>
/// <param name="Vip">The virtual IPv4 address, without prefix length.</param>
public sealed record FrrVrrpConfig(byte VirtualRouterId, int Version, byte Priority, int IntervalMs, string Vip);

/// <summary>What <c>show vrrp interface eth0 VRID json</c> says of the IPv4 virtual router.</summary>
/// <param name="Status">Initialize, Backup or Master.</param>
/// <param name="EffectivePriority">The priority in use.</param>
/// <param name="MasterAdverIntervalMs">Master_Adver_Interval, milliseconds.</param>
/// <param name="SkewTimeMs">Skew_Time as FRR computes it, milliseconds.</param>
/// <param name="MasterDownIntervalMs">Master_Down_Interval as FRR computes it, milliseconds.</param>
/// <param name="AdvertisementsSent">adverTx.</param>
/// <param name="AdvertisementsReceived">adverRx.</param>
/// <param name="Transitions">State transitions.</param>
public sealed record FrrVrrpStatus(
    string Status,
    int EffectivePriority,
    int MasterAdverIntervalMs,
    int SkewTimeMs,
    int MasterDownIntervalMs,
    long AdvertisementsSent,
    long AdvertisementsReceived,
    long Transitions);

/// <summary>
/// FRRouting 8.4's vrrpd as a real VRRP peer in a lab host (test-lab.md): a zebra and a vrrpd of its own, in the
/// foreground under the lab's process list, with their vty and zserv sockets in a folder owned by <c>frr</c>; a macvlan
/// carrying the virtual MAC 00:00:5e:00:01:VRID and the VIP on top of eth0 (FRR sends and answers from it, and puts it
/// in protodown while Backup); <c>arp_ignore=1</c> so that a Backup FRR does not answer ARP for the VIP through eth0.
/// State is read with <c>vtysh ... show vrrp interface eth0 VRID json</c>.
/// </summary>
public sealed class FrrRouter
{
    private const string Daemons = "/usr/lib/frr";

    private readonly string _dir;

    private FrrRouter(LabHost host, FrrVrrpConfig config, string dir, BackgroundProcess zebra, BackgroundProcess vrrpd)
    {
        Host = host;
        Config = config;
        _dir = dir;
        Zebra = zebra;
        Vrrpd = vrrpd;
    }

    public LabHost Host { get; }

    public FrrVrrpConfig Config { get; }

    public BackgroundProcess Zebra { get; }

    public BackgroundProcess Vrrpd { get; }

    /// <summary>The macvlan FRR runs the IPv4 virtual router on.</summary>
    public string MacvlanName => $"vrrp4-{Config.VirtualRouterId}";

    /// <summary>The virtual MAC of the IPv4 virtual router.</summary>
    public string VirtualMac => $"00:00:5e:00:01:{Config.VirtualRouterId:x2}";

    /// <summary>True when FRR's daemons are installed (Debian <c>frr</c>).</summary>
    public static bool IsInstalled => File.Exists(Path.Combine(Daemons, "vrrpd")) && File.Exists(Path.Combine(Daemons, "zebra")) && LabProcess.HasTool("vtysh");

    /// <summary>Sets the host up and starts zebra, then vrrpd (bounded waits); the lab ends both in its Dispose.</summary>
    public static FrrRouter Start(NetworkLab lab, LabHost host, FrrVrrpConfig config)
    {
        string dir = Path.Combine(lab.Directory, "frr-" + host.Name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "zebra.conf"), $"hostname {host.Name}\n");
        File.WriteAllText(Path.Combine(dir, "vrrpd.conf"), string.Create(CultureInfo.InvariantCulture, $"""
            hostname {host.Name}
            interface eth0
             vrrp {config.VirtualRouterId} version {config.Version}
             vrrp {config.VirtualRouterId} priority {config.Priority}
             vrrp {config.VirtualRouterId} advertisement-interval {config.IntervalMs}
             vrrp {config.VirtualRouterId} ip {config.Vip}

            """));
        LabProcess.Run("chown", ["-R", "frr:frr", dir]);

        // The macvlan with the virtual MAC and the VIP (addrgenmode cannot be given in the add command on this kernel).
        string macvlan = $"vrrp4-{config.VirtualRouterId}";
        LabProcess.Ip("-n", host.Namespace, "link", "add", macvlan, "link", "eth0", "type", "macvlan", "mode", "bridge");
        LabProcess.Ip("-n", host.Namespace, "link", "set", "dev", macvlan, "addrgenmode", "random");
        LabProcess.Ip("-n", host.Namespace, "link", "set", "dev", macvlan, "address", $"00:00:5e:00:01:{config.VirtualRouterId:x2}");
        LabProcess.Ip("-n", host.Namespace, "addr", "add", config.Vip + "/32", "dev", macvlan);
        LabProcess.Ip("-n", host.Namespace, "link", "set", "dev", macvlan, "up");
        host.Exec("sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=1");

        string[] common = ["-u", "frr", "-g", "frr", "-P", "0", "-z", Path.Combine(dir, "zserv.api"), "--vty_socket", dir, "--log", "stdout"];
        var zebra = lab.Track(new BackgroundProcess("ip", [
            "netns", "exec", host.Namespace, Path.Combine(Daemons, "zebra"), .. common,
            "-f", Path.Combine(dir, "zebra.conf"), "-i", Path.Combine(dir, "zebra.pid")]));
        WaitForFile(Path.Combine(dir, "zserv.api"), zebra, "zebra");
        var vrrpd = lab.Track(new BackgroundProcess("ip", [
            "netns", "exec", host.Namespace, Path.Combine(Daemons, "vrrpd"), .. common,
            "-f", Path.Combine(dir, "vrrpd.conf"), "-i", Path.Combine(dir, "vrrpd.pid")]));
        WaitForFile(Path.Combine(dir, "vrrpd.vty"), vrrpd, "vrrpd");
        var router = new FrrRouter(host, config, dir, zebra, vrrpd);

        // vtysh answers once vrrpd has read its configuration.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (router.TryStatus() is null)
        {
            if (DateTime.UtcNow > deadline || vrrpd.HasExited)
            {
                throw new InvalidOperationException("FRR vrrpd did not report its virtual router: " + vrrpd.Output + zebra.Output);
            }

            Thread.Sleep(50);
        }

        return router;
    }

    /// <summary>The IPv4 virtual router's status (throws when vtysh does not answer).</summary>
    public FrrVrrpStatus Status() => TryStatus() ?? throw new InvalidOperationException("vtysh gave no status: " + Vrrpd.Output);

    /// <summary>The raw JSON of <c>show vrrp interface eth0 VRID json</c>.</summary>
    public string StatusJson() => Vtysh($"show vrrp interface eth0 {Config.VirtualRouterId} json");

    /// <summary>Waits (bounded) until FRR reports <paramref name="status"/> (Backup, Master, Initialize).</summary>
    public bool WaitForStatus(string status, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (TryStatus()?.Status == status)
            {
                return true;
            }

            Thread.Sleep(20);
        }

        return TryStatus()?.Status == status;
    }

    /// <summary>Runs configuration commands under <c>interface eth0</c> (for example <c>vrrp 51 shutdown</c>).</summary>
    public string ConfigureInterface(params string[] commands)
    {
        var args = new List<string> { "configure terminal", "interface eth0" };
        args.AddRange(commands);
        return Vtysh([.. args]);
    }

    /// <summary>Runs vtysh commands against this vrrpd.</summary>
    public string Vtysh(params string[] commands)
    {
        var args = new List<string> { "netns", "exec", Host.Namespace, "vtysh", "--vty_socket", _dir, "-d", "vrrpd" };
        foreach (var c in commands)
        {
            args.Add("-c");
            args.Add(c);
        }

        return LabProcess.Run("ip", args, timeoutMs: 10_000);
    }

    /// <summary>True when the macvlan carrying the VIP is in protodown (FRR's Backup and Initialize).</summary>
    public bool MacvlanProtodown => LabProcess.Ip("-n", Host.Namespace, "-d", "link", "show", "dev", MacvlanName).Contains("protodown on", StringComparison.Ordinal);

    private FrrVrrpStatus? TryStatus()
    {
        string json;
        try
        {
            json = StatusJson();
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Array || doc.RootElement.GetArrayLength() == 0)
            {
                return null;
            }

            var v4 = doc.RootElement[0].GetProperty("v4");
            var stats = v4.GetProperty("stats");
            return new FrrVrrpStatus(
                v4.GetProperty("status").GetString() ?? "",
                v4.GetProperty("effectivePriority").GetInt32(),
                v4.GetProperty("masterAdverInterval").GetInt32(),
                v4.GetProperty("skewTime").GetInt32(),
                v4.GetProperty("masterDownInterval").GetInt32(),
                stats.GetProperty("adverTx").GetInt64(),
                stats.GetProperty("adverRx").GetInt64(),
                stats.GetProperty("transitions").GetInt64());
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    private static void WaitForFile(string path, BackgroundProcess process, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.Exists(path))
        {
            if (DateTime.UtcNow > deadline || process.HasExited)
            {
                throw new InvalidOperationException($"FRR {what} did not create {path}: {process.Output}");
            }

            Thread.Sleep(20);
        }
    }
}
