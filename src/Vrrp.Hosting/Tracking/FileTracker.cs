using System.Globalization;
using Microsoft.Extensions.Logging;
using Vrrp.Hosting;

namespace Vrrp.Hosting;

/// <summary>
/// Reads one <c>vrrp_track_file</c> every interval and reports the number it holds (keepalived: the leading
/// integer of the file; a missing, empty or non-numeric file counts as 0).
/// </summary>
internal sealed class FileTracker
{
    private readonly VrrpTrackFileOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<string, long> _report;
    private long _value;
    private bool _warned;

    public FileTracker(VrrpTrackFileOptions options, TimeProvider time, ILogger logger, Action<string, long> report)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _report = report;
        _value = Read();
    }

    public string Name => _options.Name;

    public long Value => _value;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(_options.Interval, _time, cancellationToken).ConfigureAwait(false);
                Poll();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    internal void Poll()
    {
        long value = Read();
        if (value != _value)
        {
            Log.TrackFileChanged(_logger, Name, _value, value);
            _value = value;
            _report(Name, value);
        }
    }

    private long Read()
    {
        string text;
        try
        {
            text = File.ReadAllText(_options.Path);
            _warned = false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (!_warned)
            {
                Log.TrackFileUnreadable(_logger, Name, _options.Path, ex.Message);
                _warned = true;
            }

            return 0;
        }

        return Parse(text);
    }

    /// <summary>The leading (optionally signed) integer of the text, as keepalived's strtol; 0 when there is none.</summary>
    internal static long Parse(ReadOnlySpan<char> text)
    {
        text = text.TrimStart();
        int end = 0;
        if (end < text.Length && text[end] is '+' or '-')
        {
            end++;
        }

        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        return long.TryParse(text[..end], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) ? value : 0;
    }
}
