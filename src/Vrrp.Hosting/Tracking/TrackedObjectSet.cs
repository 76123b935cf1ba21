namespace Vrrp.Hosting;

/// <summary>The kinds of tracked objects the hosting layer runs (interfaces are tracked by the driver itself).</summary>
internal enum TrackedObjectKind
{
    Script,
    File,
    HealthCheck,
}

/// <summary>The priority adjustment the trackers of one instance ask for, and what keeps it in Fault.</summary>
/// <param name="PriorityDelta">The sum of the weights that apply now.</param>
/// <param name="Faults">Names of the trackers that put the instance in Fault (weight 0 and down; a file at -254 or below).</param>
internal sealed record TrackingResult(int PriorityDelta, IReadOnlyList<string> Faults)
{
    public bool IsFault => Faults.Count > 0;

    /// <summary>keepalived's effective priority: configured plus the delta clamped to 1..254; an owner (255) is never changed.</summary>
    public int EffectivePriority(int configured) =>
        configured >= 255 ? 255 : Math.Clamp(configured + PriorityDelta, 1, 254);
}

/// <summary>
/// The tracked objects of one instance and their latest states, combined with keepalived's weight rules:
/// weight W &gt; 0 adds W while up; W &lt; 0 adds W while down; W = 0 means Fault while down. A tracked file adds
/// value x weight, with weight 0 meaning Fault on any non-zero value, and a total of -254 or less meaning Fault.
/// Thread safe.
/// </summary>
internal sealed class TrackedObjectSet
{
    private readonly object _gate = new();
    private readonly Dictionary<(TrackedObjectKind Kind, string Name), Entry> _entries = [];

    public TrackedObjectSet(string instanceName) => InstanceName = instanceName;

    public string InstanceName { get; }

    /// <summary>Declares a tracker with its weight and initial state.</summary>
    public void Add(TrackedObjectKind kind, string name, int weight, bool initiallyUp = true)
    {
        lock (_gate)
        {
            _entries[(kind, name)] = new Entry(weight, initiallyUp, 0);
        }
    }

    /// <summary>Sets an up/down tracker's state; returns true when it changed.</summary>
    public bool SetUp(TrackedObjectKind kind, string name, bool up)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue((kind, name), out var entry) || entry.Up == up)
            {
                return false;
            }

            _entries[(kind, name)] = entry with { Up = up };
            return true;
        }
    }

    /// <summary>Sets a tracked file's number; returns true when it changed.</summary>
    public bool SetValue(string name, long value)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue((TrackedObjectKind.File, name), out var entry) || entry.Value == value)
            {
                return false;
            }

            _entries[(TrackedObjectKind.File, name)] = entry with { Value = value };
            return true;
        }
    }

    /// <summary>The combined result now.</summary>
    public TrackingResult Evaluate()
    {
        lock (_gate)
        {
            long delta = 0;
            List<string>? faults = null;
            foreach (var ((kind, name), entry) in _entries)
            {
                if (kind == TrackedObjectKind.File)
                {
                    if (entry.Weight == 0)
                    {
                        if (entry.Value != 0)
                        {
                            (faults ??= []).Add($"track_file {name}");
                        }

                        continue;
                    }

                    long contribution = entry.Value * entry.Weight;
                    if (contribution <= -254)
                    {
                        (faults ??= []).Add($"track_file {name}");
                        continue;
                    }

                    delta += contribution;
                    continue;
                }

                if (entry.Weight == 0)
                {
                    if (!entry.Up)
                    {
                        (faults ??= []).Add($"{Describe(kind)} {name}");
                    }
                }
                else if (entry.Weight > 0 ? entry.Up : !entry.Up)
                {
                    delta += entry.Weight;
                }
            }

            return new TrackingResult((int)Math.Clamp(delta, -1000, 1000), faults is null ? [] : faults);
        }
    }

    private static string Describe(TrackedObjectKind kind) => kind switch
    {
        TrackedObjectKind.Script => "track_script",
        TrackedObjectKind.HealthCheck => "health check",
        _ => "track_file",
    };

    private readonly record struct Entry(int Weight, bool Up, long Value);
}
