using Microsoft.Extensions.Logging;
using Vrrp.Hosting;

namespace Vrrp.Hosting;

/// <summary>
/// Runs one <c>vrrp_script</c> every interval (keepalived semantics: exit code 0 is success, anything else or a
/// timeout is failure; rise/fall debounce; a run is skipped while the previous one is still running) and reports
/// the debounced state.
/// </summary>
internal sealed class ScriptTracker
{
    private readonly VrrpScriptOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<string, bool> _report;
    private readonly string _program;
    private readonly string[] _arguments;
    private readonly string? _user;
    private RiseFallCounter _state;
    private Task _running = Task.CompletedTask;
    private int _lastExitCode = int.MinValue;

    public ScriptTracker(VrrpScriptOptions options, TimeProvider time, ILogger logger, Action<string, bool> report, bool? initiallyUp = null)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _report = report;
        _state = new RiseFallCounter(options.Rise, options.Fall, initiallyUp ?? !options.InitFail); // init_fail: rise successes first

        // Command is the program itself (the keepalived.conf reader has already split keepalived's script line).
        _program = options.Command;
        _arguments = [.. options.Arguments];
        _user = options.User;
        if (!string.IsNullOrEmpty(options.User) && !string.IsNullOrEmpty(options.Group) &&
            ScriptIdentity.Lookup(options.User, options.Group, out _) is { NeedsLauncher: true } identity && VrrpScriptLauncher.IsAvailable)
        {
            // user USER GROUP with a group not the user's own: through the application itself (VrrpScriptLauncher).
            (_program, var arguments) = VrrpScriptLauncher.Command(identity.Uid, identity.Gid, options.Command, options.Arguments);
            _arguments = [.. arguments];
            _user = null;
        }
    }

    public string Name => _options.Name;

    public bool IsUp => _state.IsUp;

    /// <summary>The process of the run in progress, for tests.</summary>
    internal System.Diagnostics.Process? CurrentProcess { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (_running.IsCompleted)
                {
                    _running = RunOnceAsync(cancellationToken);
                }
                else
                {
                    Log.ScriptRunSkipped(_logger, Name);
                }

                await Task.Delay(_options.Interval, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Never leave a script behind: the run in progress is terminated through the token.
            try
            {
                await _running.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Runs the script once and feeds the result (internal for tests).</summary>
    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var outcome = await ScriptProcess.RunAsync(
            _program,
            _arguments,
            _user,
            _options.Timeout ?? _options.Interval,
            p => CurrentProcess = p,
            cancellationToken).ConfigureAwait(false);
        CurrentProcess = null;
        if (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        if (outcome.StartError is { } error)
        {
            Log.ScriptStartFailed(_logger, Name, error);
        }
        else if (outcome.TimedOut)
        {
            Log.ScriptTimedOut(_logger, Name, outcome.Killed ? ", then SIGKILL" : "");
        }
        else if (outcome.ExitCode != _lastExitCode)
        {
            Log.ScriptReturned(_logger, Name, outcome.ExitCode);
        }

        _lastExitCode = outcome.ExitCode;
        if (_state.Record(outcome.Succeeded))
        {
            if (_state.IsUp)
            {
                Log.ScriptSucceeded(_logger, Name);
            }
            else if (!outcome.TimedOut && outcome.StartError is null)
            {
                Log.ScriptFailed(_logger, Name, outcome.ExitCode);
            }

            _report(Name, _state.IsUp);
        }
    }
}
