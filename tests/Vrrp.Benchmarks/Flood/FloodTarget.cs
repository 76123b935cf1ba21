using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vrrp.Hosting;

namespace Vrrp.Benchmarks.Flood;

/// <summary>
/// A flood target: the library as an application embeds it (<c>AddVrrp().UseLinux()</c>, console logging at
/// Information as vrrpd has) with two instances on eth0: VI_1, multicast, VRID 51, VIP 192.0.2.100; VI_2, unicast to
/// the peer with the source checked, VRID 52, VIP 192.0.2.101. On SIGHUP and at exit it prints one block: CPU, RSS,
/// GC, each instance's state and counters, and the drops by reason counted on the "Vrrp" meter (what
/// <c>vrrp.packets.dropped</c> exports; "-" is the instance of drops no instance owns, such as unknown VRIDs).
/// </summary>
internal static class FloodTarget
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<(string Instance, string Reason), long> Drops = [];
    private static readonly Dictionary<(string Instance, string State), long> Transitions = [];
    private static int _dumps;
    private static AllocationSampler? _sampler;
    private static LatencyProbe? _probe;
    private static MeterListener? _listener;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Arguments.Parse(args);
        string name = options.Require("name");
        int priority = options.GetInt("priority", 100);
        string address = options.Require("address");
        string peer = options.Require("peer");
        var interval = TimeSpan.FromMilliseconds(options.GetInt("interval-ms", 100));
        using var sampler = options.Get("sample-allocations", "0") == "1" ? new AllocationSampler() : null;
        _sampler = sampler;
        using var probe = new LatencyProbe();
        _probe = probe;

        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == VrrpInstrumentNames.MeterName && instrument.Name is VrrpInstrumentNames.Drops or VrrpInstrumentNames.Transitions)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>(OnMeasurement);
        listener.Start();
        _listener = listener;

        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.AddVrrp(o =>
        {
            o.RouterId = name;
            o.Instances.Add(new VrrpInstanceOptions
            {
                Name = "VI_1",
                Interface = "eth0",
                VirtualRouterId = 51,
                Priority = priority,
                AdvertisementInterval = interval,
                VirtualAddresses = ["192.0.2.100/32"],
            });
            o.Instances.Add(new VrrpInstanceOptions
            {
                Name = "VI_2",
                Interface = "eth0",
                VirtualRouterId = 52,
                Priority = priority,
                AdvertisementInterval = interval,
                SourceAddress = address,
                UnicastPeers = [peer],
                CheckUnicastSource = true,
                VirtualAddresses = ["192.0.2.101/32"],
            });
        })
        .OnMaster(change => Console.WriteLine(
            $"{DateTime.Now:HH:mm:ss.fff} takeover check {name}: {change.InstanceName} became master; the raw VRRP sockets hold {RawQueues()}"))
        .UseLinux();

        using var host = builder.Build();
        var monitor = host.Services.GetRequiredService<IVrrpMonitor>();
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            Print(name, "dump" + Interlocked.Increment(ref _dumps).ToString(CultureInfo.InvariantCulture), monitor);
        });
        await host.StartAsync();
        Print(name, "start", monitor);
        await host.WaitForShutdownAsync();
        Print(name, "exit", monitor);
        return 0;
    }

    private static void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string instance = "-", other = "";
        foreach (var tag in tags)
        {
            if (tag.Key == VrrpInstrumentNames.InstanceTag)
            {
                instance = tag.Value as string is { Length: > 0 } s ? s : "-";
            }
            else if (tag.Key is VrrpInstrumentNames.ReasonTag or VrrpInstrumentNames.StateTag)
            {
                other = tag.Value as string ?? "";
            }
        }

        lock (Gate)
        {
            if (instrument.Name == VrrpInstrumentNames.Drops)
            {
                // An observable counter: each collection reports the running total.
                Drops[(instance, other)] = value;
            }
            else
            {
                CollectionsMarshal.GetValueRefOrAddDefault(Transitions, (instance, other), out _) += value;
            }
        }
    }

    /// <summary>One block of "stats NAME LABEL key=value ..." lines (flood.sh reads them); LABEL is start, dump1, dump2... (SIGHUP) or exit.</summary>
    private static void Print(string name, string label, IVrrpMonitor monitor)
    {
        _listener?.RecordObservableInstruments(); // the drop totals, read from the driver's counters
        var lines = new List<string>();
        using var self = Process.GetCurrentProcess();
        string status = File.ReadAllText("/proc/self/status");
        var late = _probe?.TakeMaxima() ?? default;
        lines.Add($"cpu_ms={self.TotalProcessorTime.TotalMilliseconds:F0} rss_kb={Field(status, "VmRSS")} rss_anon_kb={Field(status, "RssAnon")} rss_file_kb={Field(status, "RssFile")} hwm_kb={Field(status, "VmHWM")} " +
                  $"heap_kb={GC.GetTotalMemory(false) / 1024} allocated_kb={GC.GetTotalAllocatedBytes() / 1024} gc0={GC.CollectionCount(0)} gc1={GC.CollectionCount(1)} gc2={GC.CollectionCount(2)} " +
                  $"probe_wake_max_ms={late.WakeMs:F1} probe_queue_max_ms={late.QueueMs:F1} " +
                  $"threads={Field(status, "Threads")} pool_threads={ThreadPool.ThreadCount} jit_methods={System.Runtime.JitInfo.GetCompiledMethodCount()} jit_il_kb={System.Runtime.JitInfo.GetCompiledILBytes() / 1024}");
        foreach (var i in monitor.Instances)
        {
            lines.Add($"instance={i.Name} state={i.State} sent={i.AdvertisementsSent} received={i.AdvertisementsReceived} master_s={i.TimeAsMaster.TotalSeconds:F1}");
        }

        lock (Gate)
        {
            foreach (var ((instance, state), count) in Transitions.OrderBy(t => t.Key))
            {
                lines.Add($"transition instance={instance} to={state} count={count}");
            }

            foreach (var ((instance, reason), count) in Drops.OrderBy(d => d.Key))
            {
                lines.Add($"drop instance={instance} reason={reason} count={count}");
            }
        }

        foreach (var (type, ticks) in _sampler?.Snapshot() ?? [])
        {
            lines.Add($"allocation type={type.Replace(' ', '_')} ticks={ticks}");
        }

        foreach (var (type, methods) in _sampler?.TakeJitted() ?? [])
        {
            lines.Add($"jitted type={type.Replace(' ', '_')} methods={methods}");
        }

        string stamp = DateTime.Now.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
        Console.Out.Write(string.Concat(lines.Select(l => $"{stamp} stats {name} {label} {l}\n")));
        Console.Out.Flush();
    }

    /// <summary>
    /// What waits in this namespace's raw protocol-112 sockets (/proc/net/raw: rx_queue in bytes, drops): at a takeover
    /// under a flood, it tells a backlog (the master's adverts still queued) from losses.
    /// </summary>
    private static string RawQueues()
    {
        var parts = new List<string>();
        foreach (string line in File.ReadLines("/proc/net/raw").Skip(1))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length > 12 && f[1].EndsWith(":0070", StringComparison.Ordinal))
            {
                long rx = Convert.ToInt64(f[4].Split(':')[1], 16);
                parts.Add($"rx_queue={rx / 1024} kB drops={f[^1]}");
            }
        }

        return string.Join("; ", parts);
    }

    private static string Field(string status, string key) =>
        status.Split('\n').FirstOrDefault(l => l.StartsWith(key + ":", StringComparison.Ordinal))?.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1] ?? "?";
}
