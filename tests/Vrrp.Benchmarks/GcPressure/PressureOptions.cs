using System.Globalization;
using System.Runtime;

namespace GcPressure;

/// <summary>The command line (<c>--name value</c>), each option also readable from <c>GCP_NAME</c>.</summary>
internal sealed class PressureOptions
{
    public const string Usage = """
        usage: GcPressure [--interface eth0] [--vrid 51] [--priority 150] [--interval 0.01] [--vip 10.60.1.1/16]
                          [--live-mb 2048] [--alloc-mb-per-s 1024] [--threads 2] [--replace 0.05]
                          [--latency-mode Batch|Interactive|LowLatency|SustainedLowLatency]
                          [--report 10] [--duration 0] [--seed 1]
        (each also as an environment variable: GCP_LIVE_MB=2048, GCP_LATENCY_MODE=SustainedLowLatency, ...)
        """;

    public string Interface { get; private set; } = "eth0";

    public int VirtualRouterId { get; private set; } = 51;

    public int Priority { get; private set; } = 150;

    public TimeSpan Interval { get; private set; } = TimeSpan.FromMilliseconds(10);

    public string VirtualAddress { get; private set; } = "10.60.1.1/16";

    /// <summary>The live heap the churn keeps (approximate payload and object bytes).</summary>
    public int LiveMegabytes { get; private set; } = 2048;

    /// <summary>The allocation rate aimed at (all threads together); the achieved rate is reported.</summary>
    public int AllocationMegabytesPerSecond { get; private set; } = 1024;

    public int Threads { get; private set; } = 2;

    /// <summary>The share of allocated bytes that replaces objects of the live set (old-generation garbage).</summary>
    public double ReplaceFraction { get; private set; } = 0.05;

    public GCLatencyMode? LatencyMode { get; private set; }

    public TimeSpan ReportPeriod { get; private set; } = TimeSpan.FromSeconds(10);

    /// <summary>Zero: until SIGTERM/SIGINT.</summary>
    public TimeSpan Duration { get; private set; }

    public int Seed { get; private set; } = 1;

    public static PressureOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in Names)
        {
            string env = "GCP_" + name.Replace('-', '_').ToUpperInvariant();
            if (Environment.GetEnvironmentVariable(env) is { Length: > 0 } v)
            {
                values[name] = v;
            }
        }

        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || !Names.Contains(a[2..]) || i + 1 >= args.Length)
            {
                throw new FormatException($"unexpected argument '{a}'");
            }

            values[a[2..]] = args[++i];
        }

        var o = new PressureOptions();
        foreach (var (name, text) in values)
        {
            switch (name)
            {
                case "interface": o.Interface = text; break;
                case "vrid": o.VirtualRouterId = Int(name, text, 1, 255); break;
                case "priority": o.Priority = Int(name, text, 1, 254); break;
                case "interval": o.Interval = TimeSpan.FromSeconds(Number(name, text, 0.01, 40.95)); break;
                case "vip": o.VirtualAddress = text; break;
                case "live-mb": o.LiveMegabytes = Int(name, text, 0, 1 << 20); break;
                case "alloc-mb-per-s": o.AllocationMegabytesPerSecond = Int(name, text, 0, 1 << 20); break;
                case "threads": o.Threads = Int(name, text, 0, 256); break;
                case "replace": o.ReplaceFraction = Number(name, text, 0, 1); break;
                case "latency-mode":
                    o.LatencyMode = Enum.TryParse(text, ignoreCase: true, out GCLatencyMode mode) && mode != GCLatencyMode.NoGCRegion
                        ? mode
                        : throw new FormatException($"--latency-mode '{text}': expected Batch, Interactive, LowLatency or SustainedLowLatency");
                    break;
                case "report": o.ReportPeriod = TimeSpan.FromSeconds(Number(name, text, 0.1, 3600)); break;
                case "duration": o.Duration = TimeSpan.FromSeconds(Number(name, text, 0, 1e6)); break;
                case "seed": o.Seed = Int(name, text, int.MinValue, int.MaxValue); break;
            }
        }

        return o;
    }

    private static readonly HashSet<string> Names =
    [
        "interface", "vrid", "priority", "interval", "vip", "live-mb", "alloc-mb-per-s", "threads", "replace",
        "latency-mode", "report", "duration", "seed",
    ];

    private static int Int(string name, string text, int min, int max) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max
            ? v
            : throw new FormatException($"--{name} '{text}': expected an integer {min}..{max}");

    private static double Number(string name, string text, double min, double max) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= min && v <= max
            ? v
            : throw new FormatException($"--{name} '{text}': expected a number {min}..{max}");
}
