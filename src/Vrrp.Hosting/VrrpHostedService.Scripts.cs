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

        // The FIFOs stay open as they are (their paths and users are read at start); their lines follow the new groups.
        _fifos?.UpdateGroups(options.SyncGroups.Select(static g => (g.Name, (IReadOnlyList<string>)g.Instances)));
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

        _fifos = fifos.Count == 0 ? null : new NotifyFifoWriter(fifos, options.SyncGroups.Select(static g => (g.Name, (IReadOnlyList<string>)g.Instances)));
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
