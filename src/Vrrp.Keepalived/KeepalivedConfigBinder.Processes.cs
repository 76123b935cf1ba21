using Vrrp.Hosting;

namespace Vrrp.Keepalived;

// vrrp_track_process blocks, with keepalived's rules for process, param_match and the quorum.
internal sealed partial class KeepalivedConfigBinder
{
    private readonly Dictionary<string, SourceLocation> _processNames = new(StringComparer.Ordinal);

    internal void ReadTrackProcess(ConfigStatement s)
    {
        if (!RequireName(s, out string name))
        {
            return;
        }

        if (!_processNames.TryAdd(name, s.Location))
        {
            _d.Error(s.Location, $"vrrp_track_process '{name}' is defined twice");
            return;
        }

        var draft = new BlockDraft<VrrpTrackProcessOptions>(new VrrpTrackProcessOptions { Name = name }, s.Keyword, s.Location);
        ReadBlock(KeywordTable.TrackProcess, s.Block!, draft);
        if (string.IsNullOrEmpty(draft.Options.Process))
        {
            _d.Error(s.Location, $"vrrp_track_process '{name}': missing 'process' (the process to look for)");
            return;
        }

        _options.TrackProcesses.Add(draft.Options);
    }

    /// <summary><c>process NAME [PARAM...]</c>: listing parameters compares the whole command line, exactly unless param_match says otherwise.</summary>
    internal void ReadProcess(ConfigStatement s, BlockDraft<VrrpTrackProcessOptions> draft)
    {
        var o = draft.Options;
        if (o.Process.Length > 0)
        {
            _d.Warning(s.Location, $"process is already set for vrrp_track_process '{o.Name}'; this one is ignored (as keepalived does)");
            return;
        }

        if (!RequireString(s, "a process name", out string process, checkExtra: false))
        {
            return;
        }

        o.Process = process;
        o.Parameters = s.Arguments.Skip(1).Select(static a => a.Text).ToList();
        if (o.Parameters.Count > 0)
        {
            o.FullCommand = true;
        }
    }

    /// <summary><c>param_match [initial|partial]</c>; alone it means exact.</summary>
    internal void ReadParameterMatch(ConfigStatement s, VrrpTrackProcessOptions o)
    {
        var match = s.Arguments.Count == 0 ? ProcessParameterMatch.Exact
            : s.Arguments[0].Text switch { "initial" => ProcessParameterMatch.Initial, "partial" => ProcessParameterMatch.Partial, _ => (ProcessParameterMatch?)null };
        if (match is null)
        {
            _d.Error(s.Location, $"param_match '{s.Arguments[0].Text}': expected initial or partial, or nothing for an exact match");
            return;
        }

        WarnExtra(s, 1);
        o.ParameterMatch = match.Value;
        o.FullCommand = true;
    }

    /// <summary><c>quorum N</c>, 1..65535 and at most quorum_max.</summary>
    internal void ReadQuorum(ConfigStatement s, VrrpTrackProcessOptions o)
    {
        if (TryParseInt(s, 0, 1, VrrpLimits.MaximumQuorum, $"a number 1..{VrrpLimits.MaximumQuorum}", out int quorum))
        {
            if (o.QuorumMax is { } max && quorum > max)
            {
                _d.Error(s.Location, $"quorum {quorum} is greater than quorum_max {max}");
                return;
            }

            o.Quorum = quorum;
        }
    }

    /// <summary><c>quorum_max N</c>, 0..65535 and at least quorum (0 also makes quorum 0: up while no such process runs).</summary>
    internal void ReadQuorumMax(ConfigStatement s, VrrpTrackProcessOptions o)
    {
        if (TryParseInt(s, 0, 0, VrrpLimits.MaximumQuorum, $"a number 0..{VrrpLimits.MaximumQuorum}", out int max))
        {
            if ((max != 0 || o.Quorum > 1) && max < o.Quorum)
            {
                _d.Error(s.Location, $"quorum_max {max} is less than quorum {o.Quorum}");
                return;
            }

            o.QuorumMax = max;
            o.Quorum = max == 0 ? 0 : Math.Max(o.Quorum, 1);
        }
    }
}
