using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests.Chaos;

/// <summary>The faults a round does (each round heals what it did, so every round starts from a whole LAN).</summary>
internal enum FaultKind
{
    /// <summary>kill -9, then a restart.</summary>
    Kill,

    /// <summary>SIGTERM (priority 0, VIPs removed, exit 0), then a restart.</summary>
    GracefulStop,

    /// <summary>SIGSTOP until the others have converged, then SIGCONT.</summary>
    Freeze,

    /// <summary>SIGSTOP for a random time up to three Master_Down_Intervals, then SIGCONT, checked once.</summary>
    Stall,

    /// <summary>The bridge port down, then up.</summary>
    LinkFlap,

    /// <summary>nftables drops VRRP between partitions, then lets it through.</summary>
    Partition,

    /// <summary>nftables drops a random share of VRRP in some namespaces, then stops.</summary>
    Loss,
}

/// <summary>
/// A seeded random schedule of faults on a three-router LAN (<see cref="ChaosLan"/>), in phases: each phase starts
/// the routers with a drawn advertisement interval, priorities, VRID and (in some phases) keepalived 2.2.7 as one of
/// them; each round injects a fault, heals it, and after each step checks, polling until it holds for a few
/// intervals or the bound (Master_Down_Interval + 2 intervals + margin) passes:
/// <list type="bullet">
/// <item>every process that should run runs;</item>
/// <item>in each connected group of live routers (running, link up, same partition) exactly one holds the VIP, and it
/// is the one with the highest priority;</item>
/// <item>no VIP on backups, on routers whose link is down, or on routers stopped with SIGTERM (frozen and killed
/// routers are not looked at until they are resumed or restarted).</item>
/// </list>
/// The schedule depends only on the seed (targets are chosen by role from the model, not from what is observed), so
/// <c>VRRP_CHAOS_SEED</c> replays it. A failure throws a <see cref="ChaosException"/> whose message has the seed, the
/// round, the schedule so far, the state of each router and the tails of their logs.
/// </summary>
internal sealed class ChaosRunner(ChaosOptions options, Action<string> print)
{
    private static readonly (FaultKind Kind, int Weight)[] Weights =
        [(FaultKind.Kill, 3), (FaultKind.GracefulStop, 2), (FaultKind.Freeze, 2), (FaultKind.Stall, 1), (FaultKind.LinkFlap, 2), (FaultKind.Partition, 2), (FaultKind.Loss, 2)];

    private readonly Random _random = new(options.Seed);
    private readonly List<string> _schedule = [];
    private readonly List<(string Step, double Ms, double BoundMs)> _timings = [];
    private readonly Dictionary<FaultKind, int> _faults = [];
    private readonly List<string> _phases = [];
    private readonly List<string> _phaseKinds = [];
    private readonly List<RouterKind> _flaps = [];
    private int _resumedBackups;
    private const string EnteringMaster = "(VI_1) Entering MASTER STATE";
    private ChaosLan _lan = null!;
    private int _intervalMs;
    private int _version;
    private int _round;
    private string _phase = "";

    /// <summary>Rounds completed.</summary>
    public int Rounds => _round;

    /// <summary>Runs the schedule on a new LAN; throws a <see cref="ChaosException"/> with the report on the first failure.</summary>
    public void Run(CancellationToken cancellationToken)
    {
        bool keepalived = options.Keepalived && LabProcess.HasTool("keepalived");
        print($"chaos: seed {options.Seed} ({(options.SeedGiven ? "given" : "random")}), up to {options.Rounds} rounds in {options.Duration.TotalSeconds:F0} s, " +
              $"margin {options.Margin.TotalMilliseconds:F0} ms, 1 s intervals {(options.Slow ? "on" : "off")}, keepalived {(keepalived ? "on" : "off")}; " +
              $"replay: {ReplayCommand(options.Rounds)}");
        var clock = Stopwatch.StartNew();
        using var lan = new ChaosLan(3);
        _lan = lan;
        string step = "setup";
        try
        {
            int roundsLeftInPhase = 0;
            while (_round < options.Rounds && clock.Elapsed < options.Duration)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (roundsLeftInPhase == 0)
                {
                    if (_phases.Count > 0)
                    {
                        step = "end of phase";
                        StopAll();
                    }

                    step = "start of phase";
                    StartPhase(keepalived);
                    roundsLeftInPhase = _random.Next(3, 7);
                }

                _round++;
                roundsLeftInPhase--;
                step = $"round {_round}";
                RunRound();
            }

            step = "end of run";
            StopAll();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new ChaosException(Report(step, ex));
        }

        print(Summary(clock.Elapsed));
    }

    private void StartPhase(bool keepalived)
    {
        _intervalMs = options.Slow && _random.NextDouble() < 0.2 ? 1000 : 10 * _random.Next(1, 11);
        int keepalivedSlot = keepalived && _random.NextDouble() < 0.35 ? _random.Next(3) : -1;
        _version = _intervalMs == 1000 && (keepalivedSlot >= 0 || _random.NextDouble() < 0.5) ? 2 : 3;
        int vrid = _random.Next(1, 256);
        var priorities = new HashSet<byte>();
        while (priorities.Count < 3)
        {
            priorities.Add((byte)_random.Next(10, 251));
        }

        var order = priorities.ToArray();
        for (int i = 0; i < 3; i++)
        {
            var node = _lan.Nodes[i];
            node.Configure(i == keepalivedSlot ? RouterKind.Keepalived : RouterKind.Vrrpd, order[i], Config(node.Name, order[i], vrid));
        }

        _phase = $"phase {_phases.Count + 1}: VRRPv{_version} {_intervalMs} ms, VRID {vrid}, {string.Join(", ", _lan.Nodes)}";
        _phases.Add(_phase);
        _phaseKinds.Add($"v{_version}/{_intervalMs}{(keepalivedSlot >= 0 ? "+ka" : "")}");
        print(_phase);
        _schedule.Add(_phase);
        var startOrder = _lan.Nodes.OrderBy(_ => _random.Next()).ToList();
        Step($"start {string.Join(", ", startOrder.Select(n => n.Name))}", () => startOrder.ForEach(n => n.Start()), Bound);
    }

    private void StopAll()
    {
        var order = _lan.Nodes.Where(n => n.Life != NodeLife.Stopped).OrderBy(_ => _random.Next()).ToList();
        _schedule.Add($"  SIGTERM {string.Join(", ", order.Select(n => n.Name))}");
        foreach (var node in order)
        {
            int status = node.Stop();
            Check(status == 0, $"{node} exited with status {status} after SIGTERM (expected 0)");
        }

        var left = _lan.Nodes.Where(n => n.HoldsVip(ChaosLan.Vip)).ToList();
        Check(left.Count == 0, $"VIP left on {string.Join(", ", left.Select(n => n.Name))} after SIGTERM");
    }

    private void RunRound()
    {
        var kind = DrawFault();
        _faults[kind] = _faults.GetValueOrDefault(kind) + 1;
        var master = Holder(_lan.Nodes);
        var target = _random.NextDouble() < 0.6 ? master : _lan.Nodes.Where(n => n != master).ElementAt(_random.Next(2));
        string who = $"{target.Name}{(target == master ? " (master)" : " (backup)")}";
        int overlay = kind != FaultKind.Loss && _random.NextDouble() < 0.2 ? 10 * _random.Next(1, 3) : 0;
        string header = $"round {_round}/{options.Rounds} seed {options.Seed}: {kind} {who}{(overlay > 0 ? $" with {overlay}% VRRP loss everywhere" : "")}";
        print(header);
        _schedule.Add(header);
        var bound = Bound;
        if (overlay > 0)
        {
            Step($"{overlay}% loss on all", () => SetLoss(_lan.Nodes, overlay), bound);
        }

        switch (kind)
        {
            case FaultKind.Kill:
                Step($"kill -9 {target.Name}", target.Kill, bound);
                Dwell();
                Step($"restart {target.Name}", target.Start, bound);
                break;
            case FaultKind.GracefulStop:
                Step($"SIGTERM {target.Name}", () =>
                {
                    int status = target.Stop();
                    Check(status == 0, $"{target} exited with status {status} after SIGTERM (expected 0)");
                }, overlay > 0 ? bound : TimeSpan.FromMilliseconds(3 * _intervalMs) + options.Margin); // priority 0: the skew time (unless lost)
                Dwell();
                Step($"restart {target.Name}", target.Start, bound);
                break;
            case FaultKind.Freeze:
                Step($"SIGSTOP {target.Name}", target.Freeze, bound);
                Dwell();
                int mastersBefore = target.Count(EnteringMaster);
                Step($"SIGCONT {target.Name}", target.Thaw, bound);
                CheckResumedBackup(target, target != master, mastersBefore, "SIGCONT");
                break;
            case FaultKind.Stall:
                int stallMs = _random.Next(0, (int)(3 * MasterDown.TotalMilliseconds) + 1);
                int before = target.Count(EnteringMaster);
                Step($"SIGSTOP {target.Name} for {stallMs} ms, SIGCONT", () =>
                {
                    target.Freeze();
                    Thread.Sleep(stallMs);
                    target.Thaw();
                }, bound);
                CheckResumedBackup(target, target != master, before, $"a {stallMs} ms stall");
                break;
            case FaultKind.LinkFlap:
                Step($"link down {target.Name}", () => ChaosLan.SetLink(target, up: false), bound);
                Dwell();
                Step($"link up {target.Name}", () => ChaosLan.SetLink(target, up: true), bound);
                break;
            case FaultKind.Partition:
                bool threeWays = _random.NextDouble() < 0.2;
                string split = threeWays ? "r1 | r2 | r3" : $"{target.Name} | {string.Join(" ", _lan.Nodes.Where(n => n != target).Select(n => n.Name))}";
                Step($"partition {split}", () =>
                {
                    for (int i = 0; i < _lan.Nodes.Count; i++)
                    {
                        _lan.Nodes[i].Group = threeWays ? i + 1 : _lan.Nodes[i] == target ? 1 : 0;
                    }

                    _lan.ApplyFilters();
                }, bound);
                Dwell();
                Step("heal partition", () =>
                {
                    foreach (var node in _lan.Nodes)
                    {
                        node.Group = 0;
                    }

                    _lan.ApplyFilters();
                }, bound);
                break;
            case FaultKind.Loss:
                int percent = 10 * _random.Next(1, 3);
                var lossy = _random.NextDouble() < 0.5 ? _lan.Nodes.ToList() : [target];
                Step($"{percent}% loss on {string.Join(", ", lossy.Select(n => n.Name))}", () => SetLoss(lossy, percent), bound);
                int soakMs = Math.Clamp(40 * _intervalMs, 400, 4000);
                Step($"{soakMs} ms later, still {percent}% loss", () => Thread.Sleep(soakMs), bound);
                Step("no loss", () => SetLoss(_lan.Nodes, 0), bound);
                break;
        }

        if (overlay > 0)
        {
            Step("no loss", () => SetLoss(_lan.Nodes, 0), bound);
        }
    }

    /// <summary>
    /// A backup resumed after SIGSTOP while the master lived must not become master, even for a moment: the master's
    /// adverts are waiting in its socket (keepalived 2.2.7 reads them first and does not flap). Counted and printed;
    /// a failure only with <c>VRRP_CHAOS_STRICT_RESUME=1</c> (vrrpd flaps today: its expired timer runs first).
    /// </summary>
    private void CheckResumedBackup(ChaosNode target, bool wasBackup, int mastersBefore, string what)
    {
        if (!wasBackup)
        {
            return;
        }

        _resumedBackups++;
        int entered = target.Count(EnteringMaster) - mastersBefore;
        if (entered == 0)
        {
            return;
        }

        _flaps.Add(target.Kind);
        string note = $"  note: {target} entered MASTER {entered}x after {what} although the master was alive " +
                      "(it acted on its expired Master_Down timer before the adverts queued for it)";
        print(note);
        _schedule.Add(note);
        if (options.StrictResume)
        {
            throw new ChaosException(note.Trim());
        }
    }

    private FaultKind DrawFault()
    {
        int pick = _random.Next(Weights.Sum(w => w.Weight));
        foreach (var (kind, weight) in Weights)
        {
            if (pick < weight)
            {
                return kind;
            }

            pick -= weight;
        }

        throw new UnreachableException();
    }

    private void SetLoss(IEnumerable<ChaosNode> nodes, int percent)
    {
        foreach (var node in nodes)
        {
            node.LossPercent = percent;
        }

        _lan.ApplyFilters();
    }

    /// <summary>A random wait of up to three Master_Down_Intervals while a fault holds.</summary>
    private void Dwell() => Thread.Sleep(_random.Next(0, (int)(3 * MasterDown.TotalMilliseconds) + 1));

    /// <summary>
    /// Master_Down_Interval of the slowest backup: 3 x interval + Skew_Time, Skew_Time = (256 - priority) x interval /
    /// 256 (RFC 9568 section 6.1; RFC 3768 section 6.1 has the same with the interval in whole seconds).
    /// </summary>
    private TimeSpan MasterDown => TimeSpan.FromMilliseconds(_lan.Nodes.Max(n => (3 + (256 - n.Priority) / 256.0) * _intervalMs));

    /// <summary>
    /// How long a step may take to converge: Master_Down_Interval, two more advertisement intervals (under loss, the
    /// advert that settles it may be lost once or twice), and the margin (process and timer scheduling on a busy machine).
    /// </summary>
    private TimeSpan Bound => MasterDown + TimeSpan.FromMilliseconds(2 * _intervalMs) + options.Margin;

    /// <summary>Does a step, then waits (bounded) until the invariants hold for a few intervals.</summary>
    private void Step(string what, Action action, TimeSpan bound)
    {
        _schedule.Add("  " + what);
        action();
        long start = Stopwatch.GetTimestamp();
        var window = TimeSpan.FromMilliseconds(Math.Clamp(3 * _intervalMs, 100, 1000));
        TimeSpan? holdingSince = null;
        IReadOnlyList<string> violations = [];
        var seen = new List<string>(); // what was wrong on the way (transient states), for the line printed
        TimeSpan lastLook = TimeSpan.Zero;
        while (true)
        {
            foreach (var node in _lan.Nodes)
            {
                if (node.ExitedUnexpectedly(out string detail))
                {
                    throw new ChaosException($"{what}: {detail}");
                }
            }

            // The time before the look, not after: the state is read from here on (three `ip` runs, slow on a loaded
            // machine), so a look that began inside the bound and ended past it is not a failure; the next one decides.
            var elapsed = Stopwatch.GetElapsedTime(start);
            long look = Stopwatch.GetTimestamp();
            violations = Violations();
            lastLook = Stopwatch.GetElapsedTime(look);
            foreach (string v in violations)
            {
                if (seen.Count < 4 && !seen.Contains(v))
                {
                    seen.Add(v);
                }
            }

            if (violations.Count == 0)
            {
                holdingSince ??= elapsed;
                if (elapsed - holdingSince >= window)
                {
                    break;
                }
            }
            else
            {
                holdingSince = null;
            }

            if (holdingSince is null && elapsed > bound)
            {
                throw new ChaosException($"{what}: not converged within {bound.TotalMilliseconds:F0} ms (Master_Down_Interval " +
                                         $"{MasterDown.TotalMilliseconds:F0} ms + 2 intervals + margin): {string.Join("; ", violations)} " +
                                         $"(looked {elapsed.TotalMilliseconds:F0} ms after the step, for {lastLook.TotalMilliseconds:F0} ms)");
            }

            Thread.Sleep(20);
        }

        double ms = holdingSince!.Value.TotalMilliseconds;
        _timings.Add((what, ms, bound.TotalMilliseconds));
        string holders = string.Join(" ", _lan.Nodes.Where(n => n.Life == NodeLife.Running && !n.LinkDown).GroupBy(n => n.Group).Select(g => Holder(g).Name));
        string line = $"  {what}: converged in {ms:F0} ms (bound {bound.TotalMilliseconds:F0} ms), VIP on {(holders.Length > 0 ? holders : "nobody")}" +
                      (seen.Count > 0 ? $" (before: {string.Join("; ", seen)})" : "");
        _schedule[^1] = line;
        print(line);
    }

    /// <summary>What is wrong now, compared with the model; empty when the invariants hold.</summary>
    private List<string> Violations()
    {
        var problems = new List<string>();
        var holders = _lan.Nodes.Where(n => n.Life == NodeLife.Running && !n.LinkDown).GroupBy(n => n.Group).Select(Holder).ToHashSet();
        foreach (var node in _lan.Nodes)
        {
            if (node.Life is NodeLife.Frozen or NodeLife.Killed)
            {
                continue;
            }

            bool holds = node.HoldsVip(ChaosLan.Vip);
            bool expected = holders.Contains(node);
            if (holds != expected)
            {
                string why = node.Life == NodeLife.Stopped ? "stopped with SIGTERM" : node.LinkDown ? "link down" : expected ? "highest priority in its group" : "a backup";
                problems.Add($"{node.Name} ({why}) {(holds ? "holds" : "does not hold")} the VIP");
            }
        }

        return problems;
    }

    /// <summary>The router a group elects: the highest priority, then the highest address (RFC 9568 section 6.4.3).</summary>
    private static ChaosNode Holder(IEnumerable<ChaosNode> group) =>
        group.OrderByDescending(n => n.Priority).ThenByDescending(n => BitConverter.ToUInt32(IPAddress.Parse(n.Address).GetAddressBytes().Reverse().ToArray())).First();

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new ChaosException(message);
        }
    }

    private string ReplayCommand(int rounds) =>
        $"VRRP_CHAOS_SEED={options.Seed} VRRP_CHAOS_ROUNDS={rounds} VRRP_CHAOS_DURATION=100000{(options.Slow ? " VRRP_CHAOS_SLOW=1" : "")}" +
        $"{(options.Keepalived ? "" : " VRRP_CHAOS_KEEPALIVED=0")}{(options.StrictResume ? " VRRP_CHAOS_STRICT_RESUME=1" : "")} VRRP_CHAOS_MARGIN_MS={options.Margin.TotalMilliseconds:F0} " +
        "dotnet test tests/Vrrp.Samples.Tests --filter FullyQualifiedName~Chaos";

    private string Report(string step, Exception failure)
    {
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"chaos FAILED: seed {options.Seed}, {step}: {failure.Message}");
        if (failure is not ChaosException)
        {
            report.AppendLine(failure.ToString());
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"replay: {ReplayCommand(Math.Max(_round, 1))}");
        report.AppendLine(CultureInfo.InvariantCulture, $"lab prefix {_lan.Prefix}; load average {File.ReadAllText("/proc/loadavg").Trim()}");
        report.AppendLine("schedule so far:");
        _schedule.ForEach(s => report.AppendLine("  " + s));
        report.AppendLine("routers now:");
        foreach (var node in _lan.Nodes)
        {
            string addresses;
            try
            {
                addresses = node.Host.Addresses().Trim();
            }
            catch (InvalidOperationException ex)
            {
                addresses = ex.Message;
            }

            report.AppendLine(CultureInfo.InvariantCulture, $"  {node}: {node.Life}{(node.LinkDown ? ", link down" : "")}, group {node.Group}, loss {node.LossPercent}%: {addresses}");
        }

        foreach (var node in _lan.Nodes)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"--- {node}: last lines ---");
            report.AppendLine(node.Tail(40));
        }

        return report.ToString();
    }

    private string Summary(TimeSpan elapsed)
    {
        var worst = _timings.OrderByDescending(t => t.Ms / t.BoundMs).FirstOrDefault();
        return $"chaos: seed {options.Seed}: {_round} rounds passed in {elapsed.TotalSeconds:F0} s; {_phases.Count} phases " +
               $"({string.Join(" ", _phaseKinds)}: version/interval ms, +ka with keepalived); " +
               $"faults {string.Join(", ", _faults.OrderBy(f => f.Key).Select(f => $"{f.Key} {f.Value}"))}; " +
               $"{_timings.Count} steps converged, slowest relative to its bound: {worst.Step} {worst.Ms:F0} of {worst.BoundMs:F0} ms; " +
               $"resumed backups that flapped to master: {_flaps.Count} of {_resumedBackups} " +
               $"(vrrpd {_flaps.Count(k => k == RouterKind.Vrrpd)}, keepalived {_flaps.Count(k => k == RouterKind.Keepalived)})";
    }

    private string Config(string name, byte priority, int vrid)
    {
        string interval = (_intervalMs / 1000.0).ToString("0.0#", CultureInfo.InvariantCulture);
        string auth = _version == 2 ? "    authentication {\n        auth_type PASS\n        auth_pass chaos\n    }\n" : "";
        return $$"""
            global_defs {
                router_id {{name}}
                vrrp_version {{_version}}
            }
            vrrp_instance VI_1 {
                state BACKUP
                interface eth0
                virtual_router_id {{vrid}}
                priority {{priority}}
                advert_int {{interval}}
            {{auth}}    virtual_ipaddress {
                    {{ChaosLan.Vip}}
                }
            }
            """;
    }
}
