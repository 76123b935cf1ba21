// GC pressure: what the host application does to a library user's failover (issue 16).
// An ordinary AddVrrp application (public API only: AddVrrp().AddInstance(...).UseLinux()) holds master for one
// instance while other threads churn allocations over a large live heap. It prints the GC settings in effect, then
// one status line per report period and a summary when it stops (SIGTERM, SIGINT or --duration). Every line it
// prints for the runner starts with "GCP ".
//
//   dotnet GcPressure.dll --interface eth0 --vrid 51 --priority 150 --interval 0.01 --vip 10.60.1.1/16 \
//       --live-mb 2048 --alloc-mb-per-s 1024 --threads 2
//
// GC settings are the runtime's own environment variables (DOTNET_gcServer=1, DOTNET_gcConcurrent=0,
// DOTNET_GCgen0size=0x4000000, DOTNET_GCHeapCount=2, DOTNET_GCConserveMemory=5, ...); --latency-mode sets
// GCSettings.LatencyMode (Batch, Interactive, LowLatency, SustainedLowLatency). Each option can also be given as an
// environment variable GCP_<NAME> (GCP_LATENCY_MODE=SustainedLowLatency).
using System.Globalization;
using System.Runtime;
using GcPressure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vrrp;
using Vrrp.Hosting;

if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(PressureOptions.Usage);
    return 0;
}

PressureOptions options;
try
{
    options = PressureOptions.Parse(args);
}
catch (FormatException ex)
{
    Console.Error.WriteLine($"GcPressure: {ex.Message}");
    Console.Error.WriteLine(PressureOptions.Usage);
    return 2;
}

if (options.LatencyMode is { } mode)
{
    GCSettings.LatencyMode = mode;
}

using var pauses = new GcPauseListener();
var report = new Report(options, pauses);
report.PrintSettings();

// The live heap first, so that building it does not count as churn and does not delay the first adverts.
var churn = new AllocationChurn(options);
churn.BuildLiveSet();
Report.Line($"live set built: {churn.LiveBytes / 1048576.0:F0} MB in {churn.LiveObjects} objects, heap {GC.GetTotalMemory(false) / 1048576.0:F0} MB");

var builder = Host.CreateApplicationBuilder(args: []);
builder.Logging.SetMinimumLevel(LogLevel.Information);
builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
builder.Services.AddVrrp()
    .AddInstance("VI_GC", vi =>
    {
        vi.Interface = options.Interface;
        vi.VirtualRouterId = options.VirtualRouterId;
        vi.Priority = options.Priority;
        vi.AdvertisementInterval = options.Interval;
        vi.VirtualAddresses.Add(options.VirtualAddress);
    })
    .OnChange(report.StateChanged)
    .UseLinux();
using var host = builder.Build();
var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
lifetime.ApplicationStopping.Register(() =>
{
    // Before the hosted services stop (and the master sends priority 0): the figures cover the run only.
    churn.Stop();
    report.PrintSummary(churn);
});

await host.StartAsync();
churn.Start();
using var reporting = new Timer(_ => report.PrintStatus(churn), null, options.ReportPeriod, options.ReportPeriod);
if (options.Duration > TimeSpan.Zero)
{
    _ = Task.Delay(options.Duration).ContinueWith(_ => lifetime.StopApplication(), TaskScheduler.Default);
}

await host.WaitForShutdownAsync();
Report.Line("stopped");
return 0;

namespace GcPressure
{
    /// <summary>Prints the settings, the periodic status and the summary (lines starting with "GCP ").</summary>
    internal sealed class Report(PressureOptions options, GcPauseListener pauses)
    {
        private readonly long _startTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        private readonly object _gate = new();
        private VrrpState _state = VrrpState.Initialize;
        private bool _wasMaster;
        private int _leftMaster;
        private int _transitions;
        private long _lastAllocated = GC.GetTotalAllocatedBytes(false);
        private long _lastTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        private readonly StallProbe _probe = StallProbe.Start(TimeSpan.FromMilliseconds(5));

        public static void Line(string text) => Console.WriteLine("GCP " + text);

        public void PrintSettings()
        {
            Line(string.Create(CultureInfo.InvariantCulture,
                $"settings gc={(GCSettings.IsServerGC ? "server" : "workstation")} concurrent={GcConfig("ConcurrentGC")} latency={GCSettings.LatencyMode} gen0size={Gen0Size()} gen0_max_budget={GcConfig("GCGen0MaxBudget")} heap_count={GcConfig("HeapCount")} datas={GcConfig("GCDynamicAdaptationMode")} conserve={GcConfig("GCConserveMem")} processors={Environment.ProcessorCount} runtime={Environment.Version}"));
            Line(string.Create(CultureInfo.InvariantCulture,
                $"options interval_ms={options.Interval.TotalMilliseconds} priority={options.Priority} vrid={options.VirtualRouterId} live_mb={options.LiveMegabytes} alloc_mb_per_s={options.AllocationMegabytesPerSecond} threads={options.Threads} replace={options.ReplaceFraction}"));
            var env = Environment.GetEnvironmentVariables().Keys.Cast<string>()
                .Where(static k => k.StartsWith("DOTNET_", StringComparison.OrdinalIgnoreCase) || k.StartsWith("COMPlus_", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .Select(static k => $"{k}={Environment.GetEnvironmentVariable(k)}");
            Line("environment " + string.Join(' ', env));
            Line("gc_config " + string.Join(' ', GC.GetConfigurationVariables().OrderBy(static p => p.Key, StringComparer.Ordinal).Select(static p => $"{p.Key}={p.Value}")));
        }

        // GCgen0size is honoured by the GC but not listed by GC.GetConfigurationVariables: report what was asked for.
        private static string Gen0Size() =>
            Environment.GetEnvironmentVariable("DOTNET_GCgen0size") ?? Environment.GetEnvironmentVariable("COMPlus_GCgen0size") ?? "default";

        private static string GcConfig(string key) =>
            GC.GetConfigurationVariables().TryGetValue(key, out object? value) ? Convert.ToString(value, CultureInfo.InvariantCulture) ?? "" : "default";

        public void StateChanged(VrrpStateChange change)
        {
            lock (_gate)
            {
                _transitions++;
                if (_wasMaster && change.PreviousState == VrrpState.Master)
                {
                    _leftMaster++;
                }

                _wasMaster |= change.State == VrrpState.Master;
                _state = change.State;
            }

            Line(string.Create(CultureInfo.InvariantCulture, $"state {change.PreviousState} -> {change.State} at {change.Timestamp:HH:mm:ss.fff} {change.Reason}"));
        }

        public void PrintStatus(AllocationChurn churn)
        {
            long now = System.Diagnostics.Stopwatch.GetTimestamp();
            long allocated = GC.GetTotalAllocatedBytes(false);
            double seconds = System.Diagnostics.Stopwatch.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
            double rate = (allocated - _lastAllocated) / seconds / 1e9;
            _lastAllocated = allocated;
            _lastTimestamp = now;
            var p = pauses.Snapshot(reset: true);
            var s = _probe.Snapshot(reset: true);
            VrrpState state;
            lock (_gate)
            {
                state = _state;
            }

            Line(string.Create(CultureInfo.InvariantCulture,
                $"status t={System.Diagnostics.Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds:F0}s state={state} alloc_gb_s={rate:F2} heap_mb={GC.GetTotalMemory(false) / 1048576.0:F0} gcs={GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} pauses={p.Count} pause_max_ms={p.Max:F2} pause_p99_ms={p.Percentile(0.99):F2} pause_sum_ms={p.Sum:F0} probe_late_max_ms={s.Max:F2} live_mb={churn.LiveBytes / 1048576.0:F0}"));
        }

        public void PrintSummary(AllocationChurn churn)
        {
            double seconds = System.Diagnostics.Stopwatch.GetElapsedTime(churn.StartTimestamp).TotalSeconds;
            var p = pauses.Snapshot(reset: false);
            var s = _probe.Snapshot(reset: false);
            var info = GC.GetGCMemoryInfo(GCKind.Any);
            int left;
            int transitions;
            lock (_gate)
            {
                left = _leftMaster;
                transitions = _transitions;
            }

            Line(string.Create(CultureInfo.InvariantCulture,
                $"summary seconds={seconds:F0} alloc_gb_s={churn.AllocatedBytes / seconds / 1e9:F2} live_mb={churn.LiveBytes / 1048576.0:F0} heap_mb={info.HeapSizeBytes / 1048576.0:F0} gc0={GC.CollectionCount(0)} gc1={GC.CollectionCount(1)} gc2={GC.CollectionCount(2)} pause_total_ms={GC.GetTotalPauseDuration().TotalMilliseconds:F0} pause_pct={100 * GC.GetTotalPauseDuration().TotalSeconds / Math.Max(1e-9, seconds):F1} pauses={p.Count} pause_median_ms={p.Percentile(0.5):F2} pause_p99_ms={p.Percentile(0.99):F2} pause_p999_ms={p.Percentile(0.999):F2} pause_max_ms={p.Max:F2} probe_late_p999_ms={s.Percentile(0.999):F2} probe_late_max_ms={s.Max:F2} state_changes={transitions} left_master={left}"));
            Line("pause_histogram_ms " + p.Histogram());
            Line("pause_by_generation " + p.ByGeneration());
            Line("probe_late_histogram_ms " + s.Histogram());
        }
    }
}
