using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Vrrp.Hosting;

/// <summary>The instances' status table and the fan-out of their changes to <see cref="WatchAsync"/> readers.</summary>
internal sealed class VrrpMonitor : IVrrpMonitor
{
    private readonly object _gate = new();
    private readonly List<Channel<VrrpStateChange>> _watchers = [];
    private VrrpInstanceStatus[] _statuses = [];
    private Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private bool _completed;
    private Func<IReadOnlyList<VrrpInstanceStatus>>? _source;

    /// <summary>The live statuses while the driver runs; the table of <see cref="Initialize"/> before (and after <see cref="Complete"/>).</summary>
    public IReadOnlyList<VrrpInstanceStatus> Instances
    {
        get
        {
            var source = Volatile.Read(ref _source);
            if (source is not null)
            {
                var live = source();
                if (live.Count > 0)
                {
                    return live;
                }
            }

            return Volatile.Read(ref _statuses);
        }
    }

    /// <summary>Reads statuses live from <paramref name="source"/> (the driver) from now on.</summary>
    public void SetSource(Func<IReadOnlyList<VrrpInstanceStatus>> source) => Volatile.Write(ref _source, source);

    /// <summary>Sets the configured instances (at start).</summary>
    public void Initialize(IEnumerable<VrrpInstanceStatus> statuses)
    {
        lock (_gate)
        {
            var array = statuses.ToArray();
            _index = array.Select((s, i) => (s.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
            _completed = false;
            Volatile.Write(ref _statuses, array);
        }
    }

    public bool TryGetInstance(string instanceName, out VrrpInstanceStatus status)
    {
        ArgumentNullException.ThrowIfNull(instanceName);
        foreach (var s in Instances)
        {
            if (string.Equals(s.Name, instanceName, StringComparison.Ordinal))
            {
                status = s;
                return true;
            }
        }

        status = null!;
        return false;
    }

    /// <summary>Changes one instance's status (copy on write: readers always see whole snapshots).</summary>
    public VrrpInstanceStatus? Update(string instanceName, Func<VrrpInstanceStatus, VrrpInstanceStatus> update)
    {
        lock (_gate)
        {
            if (!_index.TryGetValue(instanceName, out int i))
            {
                return null;
            }

            var copy = (VrrpInstanceStatus[])_statuses.Clone();
            copy[i] = update(copy[i]);
            Volatile.Write(ref _statuses, copy);
            return copy[i];
        }
    }

    /// <summary>Sends a change to every current watcher.</summary>
    public void Publish(VrrpStateChange change)
    {
        lock (_gate)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(change);
            }
        }
    }

    /// <summary>Ends every watcher's stream (host stopped).</summary>
    public void Complete()
    {
        lock (_gate)
        {
            // Keep the last live statuses (Stopped) for readers after the host stopped.
            if (Volatile.Read(ref _source) is { } source)
            {
                var last = source();
                if (last.Count > 0)
                {
                    Volatile.Write(ref _statuses, [.. last]);
                }

                Volatile.Write(ref _source, null);
            }

            _completed = true;
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryComplete();
            }

            _watchers.Clear();
        }
    }

    public async IAsyncEnumerable<VrrpStateChange> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<VrrpStateChange>(new UnboundedChannelOptions { SingleReader = true });
        lock (_gate)
        {
            if (_completed)
            {
                yield break;
            }

            _watchers.Add(channel);
        }

        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var change))
                {
                    yield return change;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _watchers.Remove(channel);
            }
        }
    }
}
