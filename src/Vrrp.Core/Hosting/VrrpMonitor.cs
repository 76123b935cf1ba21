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

    public IReadOnlyList<VrrpInstanceStatus> Instances => Volatile.Read(ref _statuses);

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
        var statuses = Volatile.Read(ref _statuses);
        lock (_gate)
        {
            if (_index.TryGetValue(instanceName, out int i))
            {
                status = statuses[i];
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
