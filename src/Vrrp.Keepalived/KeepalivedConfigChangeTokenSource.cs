using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Vrrp.Hosting;

namespace Vrrp.Keepalived;

/// <summary>
/// Signals a change of the VRRP options when a keepalived.conf, or a file under its folder (included files usually
/// are), is written, created, renamed or deleted: what <c>AddKeepalivedConfig(path, reloadOnChange: true)</c> registers.
/// Changes within half a second are signalled once (editors write in several steps).
/// </summary>
internal sealed class KeepalivedConfigChangeTokenSource : IOptionsChangeTokenSource<VrrpOptions>, IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    private readonly string _path;
    private readonly Lock _gate = new();
    private FileSystemWatcher? _watcher;
    private ITimer? _settle;
    private CancellationTokenSource _changed = new();
    private bool _disposed;

    public KeepalivedConfigChangeTokenSource(string path) => _path = Path.GetFullPath(path);

    public string Name => Options.DefaultName;

    public IChangeToken GetChangeToken()
    {
        lock (_gate)
        {
            if (_watcher is null && !_disposed)
            {
                string folder = Path.GetDirectoryName(_path) ?? ".";
                _watcher = new FileSystemWatcher(folder)
                {
                    IncludeSubdirectories = true,
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
                };
                _watcher.Changed += OnFileEvent;
                _watcher.Created += OnFileEvent;
                _watcher.Deleted += OnFileEvent;
                _watcher.Renamed += OnFileEvent;
                _watcher.EnableRaisingEvents = true;
            }

            return new CancellationChangeToken(_changed.Token);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _watcher?.Dispose();
            _watcher = null;
            _settle?.Dispose();
            _settle = null;
        }
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _settle ??= TimeProvider.System.CreateTimer(static state => ((KeepalivedConfigChangeTokenSource)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _settle.Change(Settle, Timeout.InfiniteTimeSpan);
        }
    }

    private void Fire()
    {
        CancellationTokenSource fired;
        lock (_gate)
        {
            fired = _changed;
            _changed = new CancellationTokenSource();
        }

        try
        {
            fired.Cancel();
        }
        catch (AggregateException)
        {
            // IOptionsMonitor<VrrpOptions> (ValidateOnStart resolves one) rebuilds the options in this callback and
            // throws a broken file's errors here; the reload itself refuses the file and logs why.
        }

        fired.Dispose();
    }
}
