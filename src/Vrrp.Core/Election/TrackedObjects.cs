namespace Vrrp.Election;

/// <summary>
/// The tracked objects of one virtual router and keepalived's rules for them, in one place: what each object adds to
/// the priority and whether it holds the router in Fault.
/// </summary>
/// <remarks>
/// <para>Every object has a kind, a name, a weight and a value. For the up/down kinds (interface, script, health check,
/// process, external) the value is 1 when up and 0 when down: a weight W &gt; 0 adds W while up, W &lt; 0 adds W
/// while down, and W = 0 means Fault while down. A tracked file's value is the number it holds: it adds value x W;
/// with W = 0 any non-zero value means Fault, and a contribution of -254 or less means Fault (keepalived's
/// <c>track_file</c>).</para>
/// <para>With <see cref="TrackerConfiguration.Reverse"/> (keepalived's <c>reverse</c>) an object counts the other way:
/// with weight 0 up means Fault, otherwise its contribution is negated.</para>
/// <para>In a sync group without <c>sync_group_tracking_weight</c> the weights are ignored, as keepalived does: a down
/// object, or a file whose contribution would lower the priority, means Fault.</para>
/// </remarks>
internal sealed class TrackedObjects
{
    private readonly TrackerConfiguration[] _trackers;
    private readonly long[] _values;

    public TrackedObjects(IReadOnlyList<TrackerConfiguration> trackers)
    {
        _trackers = [.. trackers];
        _values = new long[_trackers.Length];
        for (int i = 0; i < _trackers.Length; i++)
        {
            _values[i] = _trackers[i].InitialValue ?? (_trackers[i].Kind == TrackerKind.File ? 0 : 1);
        }
    }

    public int Count => _trackers.Length;

    /// <summary>Takes the values of the objects of the same kind and name from <paramref name="previous"/> (a reload).</summary>
    public void CopyValuesFrom(TrackedObjects previous)
    {
        for (int i = 0; i < _trackers.Length; i++)
        {
            if (previous.ValueOf(_trackers[i].Kind, _trackers[i].Name) is { } value)
            {
                _values[i] = value;
            }
        }
    }

    /// <summary>True to ignore weights (a sync group without <c>sync_group_tracking_weight</c>).</summary>
    public bool WeightsIgnored { get; set; }

    /// <summary>Sets the value of the object of that kind and name; returns false when there is none.</summary>
    public bool TrySet(TrackerKind kind, string name, long value, out bool changed)
    {
        changed = false;
        bool found = false;
        for (int i = 0; i < _trackers.Length; i++)
        {
            if (_trackers[i].Kind == kind && string.Equals(_trackers[i].Name, name, StringComparison.Ordinal))
            {
                found = true;
                changed |= _values[i] != value;
                _values[i] = value;
            }
        }

        return found;
    }

    /// <summary>The value of an object, or null when there is none of that kind and name.</summary>
    public long? ValueOf(TrackerKind kind, string name)
    {
        for (int i = 0; i < _trackers.Length; i++)
        {
            if (_trackers[i].Kind == kind && string.Equals(_trackers[i].Name, name, StringComparison.Ordinal))
            {
                return _values[i];
            }
        }

        return null;
    }

    /// <summary>The sum of the contributions that apply now (not clamped).</summary>
    public long PriorityDelta()
    {
        long delta = 0;
        for (int i = 0; i < _trackers.Length; i++)
        {
            delta += Evaluate(i).Delta;
        }

        return delta;
    }

    /// <summary>True when some object holds the router in Fault.</summary>
    public bool AnyFault()
    {
        for (int i = 0; i < _trackers.Length; i++)
        {
            if (Evaluate(i).Fault)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The objects that hold the router in Fault, in keepalived's words (<c>track_script chk</c>).</summary>
    public List<string> Faults()
    {
        var faults = new List<string>();
        for (int i = 0; i < _trackers.Length; i++)
        {
            if (Evaluate(i).Fault)
            {
                faults.Add(Describe(_trackers[i]));
            }
        }

        return faults;
    }

    internal static string Describe(TrackerConfiguration tracker) => tracker.Kind switch
    {
        TrackerKind.Interface => $"track_interface {tracker.Name} {(tracker.Reverse ? "up (reverse)" : "down")}",
        TrackerKind.Script => $"track_script {tracker.Name}",
        TrackerKind.File => $"track_file {tracker.Name}",
        TrackerKind.Process => $"track_process {tracker.Name}",
        TrackerKind.HealthCheck => $"health check {tracker.Name}",
        _ => $"tracker {tracker.Name}",
    };

    private (long Delta, bool Fault) Evaluate(int i)
    {
        var tracker = _trackers[i];
        int weight = tracker.Weight;
        long value = _values[i];
        int sign = tracker.Reverse ? -1 : 1;
        if (tracker.Kind == TrackerKind.File)
        {
            if (weight == 0)
            {
                return (0, (value != 0) != tracker.Reverse);
            }

            long contribution = value * weight * sign;
            if (contribution <= -254 || (WeightsIgnored && contribution < 0))
            {
                return (0, true);
            }

            return (WeightsIgnored ? 0 : contribution, false);
        }

        // reverse: down is the good state (weight 0), and the contribution is negated.
        bool up = value != 0;
        if (weight == 0 || WeightsIgnored)
        {
            return (0, up == tracker.Reverse);
        }

        return (sign * (weight > 0 ? (up ? weight : 0) : (up ? 0 : weight)), false);
    }
}
