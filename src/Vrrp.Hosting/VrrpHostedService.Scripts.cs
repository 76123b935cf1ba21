using Microsoft.Extensions.Logging;

namespace Vrrp.Hosting;

// Scripts as keepalived runs them (users, enable_script_security) and the notify FIFOs.
internal sealed partial class VrrpHostedService
{
    private ScriptRunner? _scripts;
    private NotifyFifoWriter? _fifos;

    /// <summary>The FIFO writer, for tests.</summary>
    internal NotifyFifoWriter? FifoWriter => _fifos;

    private ScriptRunner CreateScripts(VrrpOptions options)
    {
        var (user, group, security) = ScriptSettings.Global(options);
        var scripts = new ScriptRunner(user, group, security, _loggerFactory.CreateLogger("Vrrp.Hosting.Scripts"));
        scripts.CheckAll(ScriptSettings.Commands(options));
        return scripts;
    }

    /// <summary>
    /// keepalived's startup_script and shutdown_script: run once as their user, waited for up to their timeout (then
    /// SIGTERM, and SIGKILL 2 seconds later); the outcome is logged and the host goes on whatever it was.
    /// </summary>
    private async Task RunDaemonScriptAsync(string kind, VrrpDaemonScriptOptions? script, CancellationToken cancellationToken)
    {
        if (script is null || string.IsNullOrWhiteSpace(script.Command) || _scripts is not { } scripts)
        {
            return;
        }

        string name = kind.Replace('_', ' ');
        Log.DaemonScriptRunning(_logger, name, script.Command);
        var outcome = await scripts.RunAsync(kind, "global_defs", script.Command, script.User, script.Group, [], script.Timeout, null, cancellationToken).ConfigureAwait(false);
        if (outcome.StartError is { } error)
        {
            Log.DaemonScriptNotRun(_logger, name, script.Command, error);
        }
        else if (outcome.TimedOut)
        {
            Log.DaemonScriptTimedOut(_logger, name, script.Timeout.TotalSeconds, outcome.Killed ? " (killed: SIGTERM did not end it)" : "");
        }
        else if (outcome.ExitCode != 0)
        {
            Log.DaemonScriptFailed(_logger, name, outcome.ExitCode);
        }
    }

    /// <summary>After a reload: the new users and security setting, every command checked again.</summary>
    private void UpdateScripts(VrrpOptions options)
    {
        if (_scripts is null)
        {
            return;
        }

        var (user, group, security) = ScriptSettings.Global(options);
        _scripts.Update(user, group, security);
        _scripts.CheckAll(ScriptSettings.Commands(options));

        // Their lines follow the new groups (FIFOs whose settings changed are reopened by ReopenFifosAsync).
        _fifos?.UpdateGroups(options.SyncGroups.Select(static g => (g.Name, (IReadOnlyList<string>)g.Instances)));
        _fifos?.SetPriorityChanges(ScriptSettings.PriorityChanges(options));
    }

    /// <summary>Opens the notify FIFOs (before the instances start, so their first lines are there).</summary>
    private void OpenFifos(VrrpOptions options, ScriptRunner scripts)
    {
        var logger = _loggerFactory.CreateLogger("Vrrp.Hosting.Scripts");
        var (user, group, security) = ScriptSettings.Global(options);
        var fifos = new List<NotifyFifo>();
        foreach (var (spec, kind) in ScriptSettings.Fifos(options))
        {
            if (NotifyFifo.Open(spec, kind, scripts, () => ScriptIdentity.Resolve(null, null, user, group, security, out _), logger) is { } fifo)
            {
                fifos.Add(fifo);
            }
        }

        // The writer exists even without FIFOs: a reload may open some.
        _fifos = new NotifyFifoWriter(fifos, options.SyncGroups.Select(static g => (g.Name, (IReadOnlyList<string>)g.Instances)), _deletions);
        _fifos?.SetPriorityChanges(ScriptSettings.PriorityChanges(options));
    }

    /// <summary>
    /// After a reload: FIFOs whose path, user or script changed are closed (as at stop: removed when created here,
    /// their script ends) and the new ones opened, as keepalived reopens them at every reload; unchanged ones stay open,
    /// so their readers miss nothing.
    /// </summary>
    private async Task ReopenFifosAsync(VrrpOptions options)
    {
        if (_fifos is not { } writer || _scripts is not { } scripts)
        {
            return;
        }

        var wanted = ScriptSettings.Fifos(options).ToList();
        var current = writer.Fifos;
        var kept = current.Where(f => wanted.Contains((f.Spec, f.Kind))).ToList();
        var dropped = current.Where(f => !kept.Contains(f)).ToList();
        if (dropped.Count == 0 && kept.Count == wanted.Count)
        {
            return;
        }

        writer.SetFifos(kept);
        foreach (var fifo in dropped)
        {
            await fifo.DisposeAsync().ConfigureAwait(false);
        }

        var logger = _loggerFactory.CreateLogger("Vrrp.Hosting.Scripts");
        var (user, group, security) = ScriptSettings.Global(options);
        var opened = new List<NotifyFifo>(kept);
        foreach (var (spec, kind) in wanted.Where(w => !kept.Any(f => f.Spec == w.Spec && f.Kind == w.Kind)))
        {
            if (NotifyFifo.Open(spec, kind, scripts, () => ScriptIdentity.Resolve(null, null, user, group, security, out _), logger) is { } fifo)
            {
                opened.Add(fifo);
            }
        }

        writer.SetFifos(opened);
    }

    /// <summary>Closes the FIFOs after the last lines (STOP) were written: created ones are removed, their scripts end.</summary>
    private async Task CloseFifosAsync()
    {
        if (Interlocked.Exchange(ref _fifos, null) is not { } writer)
        {
            return;
        }

        foreach (var fifo in writer.Fifos)
        {
            await fifo.DisposeAsync().ConfigureAwait(false);
        }
    }
}
