using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Vrrpd;

/// <summary>
/// keepalived's <c>reload_time_file PATH</c> and <c>reload_repeat</c> (reload_monitor.c): the file's first line is a
/// time, <c>HH:MM:SS</c>, <c>YY-MM-DD HH:MM:SS</c> or <c>YYYY-MM-DD HH:MM:SS</c>, local unless it ends in <c>Z</c>
/// (UTC); at that time the daemon reloads as on SIGHUP. A time of day already past means tomorrow; a date already past
/// is ignored. The file is watched: writing a new time moves the reload, removing or emptying the file cancels it. At
/// the reload the file is removed, unless <c>reload_repeat</c> is set and it holds a time of day only (then the
/// monitor, restarted by the reload, schedules the same time tomorrow).
/// </summary>
internal sealed class ReloadTimeMonitor : IDisposable
{
    private readonly string _path;
    private readonly bool _repeat;
    private readonly Func<Task> _reload;
    private readonly ILogger _logger;
    private readonly FileSystemWatcher? _watcher;
    private readonly Lock _lock = new();
    private Timer? _timer;
    private DateTimeOffset? _scheduled;
    private bool _dateSpecified;
    private bool _disposed;

    private ReloadTimeMonitor(string path, bool repeat, Func<Task> reload, ILogger logger)
    {
        _path = Path.GetFullPath(path);
        _repeat = repeat;
        _reload = reload;
        _logger = logger;
        string? folder = Path.GetDirectoryName(_path);
        if (folder is not null && Directory.Exists(folder))
        {
            _watcher = new FileSystemWatcher(folder, Path.GetFileName(_path))
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            _watcher.Created += (_, _) => Read();
            _watcher.Changed += (_, _) => Read();
            _watcher.Deleted += (_, _) => Read();
            _watcher.Renamed += (_, _) => Read();
            _watcher.EnableRaisingEvents = true;
        }
    }

    /// <summary>Starts watching <paramref name="path"/> (null: none) and schedules the time it holds now.</summary>
    public static ReloadTimeMonitor? Start(string? path, bool repeat, Func<Task> reload, ILogger logger)
    {
        if (path is null)
        {
            return null;
        }

        var monitor = new ReloadTimeMonitor(path, repeat, reload, logger);
        monitor.Read();
        return monitor;
    }

    /// <summary>
    /// Parses keepalived's reload time; null when invalid (logged), with <paramref name="past"/> set when it is a date
    /// already past.
    /// </summary>
    internal static DateTimeOffset? Parse(string text, DateTimeOffset now, TimeZoneInfo zone, out bool dateSpecified, out bool past)
    {
        dateSpecified = false;
        past = false;
        bool utc = text.EndsWith('Z');
        string time = utc ? text[..^1] : text;
        string? format = time.Length switch { 8 => "HH:mm:ss", 17 => "yy-MM-dd HH:mm:ss", 19 => "yyyy-MM-dd HH:mm:ss", _ => null };
        if (format is null || !DateTime.TryParseExact(time, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return null;
        }

        var local = utc ? TimeZoneInfo.Utc : zone;
        var today = TimeZoneInfo.ConvertTime(now, local);
        var wall = time.Length == 8 ? today.Date + parsed.TimeOfDay : parsed;
        if (!utc && zone.IsInvalidTime(wall))
        {
            return null; // a local time that does not exist (the spring-forward hour): keepalived's "is not valid"
        }

        var at = new DateTimeOffset(wall, local.GetUtcOffset(wall));
        if (at <= now)
        {
            if (time.Length != 8)
            {
                past = true;
                return null;
            }

            wall = wall.AddDays(1);
            at = new DateTimeOffset(wall, local.GetUtcOffset(wall));
        }

        dateSpecified = time.Length >= 17;
        return at;
    }

    private void Read()
    {
        string? line = null;
        try
        {
            using var reader = new StreamReader(_path);
            line = reader.ReadLine();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            if (string.IsNullOrEmpty(line))
            {
                Cancel();
                return;
            }

            line = line.Length > 20 ? line[..20] : line;
            var at = Parse(line, DateTimeOffset.Now, TimeZoneInfo.Local, out bool dateSpecified, out bool past);
            if (at is null)
            {
                if (past)
                {
                    _logger.LogInformation("Reload date/time is in the past - ignoring");
                }
                else
                {
                    _logger.LogInformation("Invalid reload time '{Time}' specified - ignoring", line);
                }

                Cancel();
                return;
            }

            _dateSpecified = dateSpecified;
            if (at == _scheduled)
            {
                return;
            }

            if (_scheduled is { } old)
            {
                _logger.LogInformation("Reload time updated from {Old} to {New}", Format(old), Format(at.Value));
            }
            else
            {
                _logger.LogInformation("Scheduling reload for {Time}", Format(at.Value));
            }

            _scheduled = at;
            var due = at.Value - DateTimeOffset.Now;
            _timer?.Dispose();
            _timer = new Timer(_ => Fire(), null, due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
        }
    }

    private void Fire()
    {
        lock (_lock)
        {
            if (_disposed || _scheduled is not { } at)
            {
                return;
            }

            // A timer may fire a little early: never before the second keepalived would reload in.
            if (DateTimeOffset.Now < at)
            {
                _timer?.Change(at - DateTimeOffset.Now + TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
                return;
            }

            _scheduled = null;
            if (_watcher is not null)
            {
                _watcher.EnableRaisingEvents = false; // keepalived stops watching before it removes the file
            }
            if (!_repeat || _dateSpecified)
            {
                try
                {
                    File.Delete(_path);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                }
            }
        }

        _ = Task.Run(_reload);
    }

    private void Cancel()
    {
        if (_scheduled is { } old)
        {
            _logger.LogInformation("Cancelling reload scheduled for {Time}", Format(old));
        }

        _scheduled = null;
        _timer?.Dispose();
        _timer = null;
    }

    private static string Format(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _timer?.Dispose();
            _watcher?.Dispose();
        }
    }
}
