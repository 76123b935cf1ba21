using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Vrrpd;

/// <summary>
/// One line per message, as keepalived writes them with <c>-l</c>: a local timestamp, then the message
/// (<c>Tue Nov 24 17:05:01.123 2026: (VI_1) Entering MASTER STATE</c>); warnings and errors say so, exceptions are
/// summarised on the same line. No category, no event id, no colours. Under systemd (stdout is the journal) the
/// timestamp is left to the journal and the line starts with the syslog priority (<c>&lt;4&gt;</c>), which journald
/// reads as the message's level.
/// </summary>
internal sealed class KeepalivedConsoleFormatter : ConsoleFormatter
{
    public const string FormatterName = "keepalived";

    private readonly TimeProvider _time;
    private readonly bool _journal;

    public KeepalivedConsoleFormatter(TimeProvider time)
        : base(FormatterName)
    {
        _time = time;
        _journal = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("JOURNAL_STREAM"));
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        string message = logEntry.Formatter(logEntry.State, logEntry.Exception) ?? "";
        var exception = logEntry.Exception;
        if (message.Length == 0 && exception is null)
        {
            return;
        }

        if (_journal)
        {
            textWriter.Write(logEntry.LogLevel switch
            {
                LogLevel.Critical => "<2>",
                LogLevel.Error => "<3>",
                LogLevel.Warning => "<4>",
                LogLevel.Information => "<6>",
                _ => "<7>",
            });
        }
        else
        {
            textWriter.Write(_time.GetLocalNow().ToString("ddd MMM d HH:mm:ss.fff yyyy", CultureInfo.InvariantCulture));
            textWriter.Write(": ");
        }

        textWriter.Write(logEntry.LogLevel switch
        {
            LogLevel.Critical => "CRITICAL: ",
            LogLevel.Error => "ERROR: ",
            LogLevel.Warning => "WARNING: ",
            _ => "",
        });
        textWriter.Write(OneLine(message));
        for (var e = exception; e is not null; e = e.InnerException)
        {
            textWriter.Write(e == exception && message.Length == 0 ? "" : ": ");
            textWriter.Write(OneLine(e.Message));
        }

        textWriter.Write('\n');
    }

    private static string OneLine(string text) =>
        text.Contains('\n', StringComparison.Ordinal) ? text.ReplaceLineEndings(" ") : text;
}
