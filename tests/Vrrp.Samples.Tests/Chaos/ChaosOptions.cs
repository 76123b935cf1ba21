using System.Globalization;

namespace Vrrp.Samples.Tests.Chaos;

/// <summary>
/// What a chaos run does, from environment variables, so that the CI test and a long soak by hand run the same code:
/// <list type="bullet">
/// <item><c>VRRP_CHAOS_SEED</c>: replays a schedule (printed by every run); random when unset.</item>
/// <item><c>VRRP_CHAOS_ROUNDS</c> (default 50) and <c>VRRP_CHAOS_DURATION</c> (seconds, default 150): the run ends
/// at whichever comes first.</item>
/// <item><c>VRRP_CHAOS_SLOW=1</c>: some phases use a 1 s interval (VRRPv2 with a password when keepalived is among
/// them); off by default (they take about 5 s a step).</item>
/// <item><c>VRRP_CHAOS_KEEPALIVED=0</c>: no keepalived router (otherwise one in about a third of the phases when
/// keepalived is installed).</item>
/// <item><c>VRRP_CHAOS_MARGIN_MS</c> (default 1000): the margin over Master_Down_Interval + 2 intervals allowed for convergence
/// after each step.</item>
/// <item><c>VRRP_CHAOS_STRICT_RESUME=1</c>: a backup that becomes master after SIGCONT while the master lived fails
/// the run (otherwise it is counted and printed: vrrpd does it today, see ChaosRunner.CheckResumedBackup).</item>
/// <item><c>VRRP_CHAOS_LOG</c>: a file that gets every line as it is printed (tail -f it during a soak).</item>
/// </list>
/// </summary>
internal sealed record ChaosOptions
{
    public required int Seed { get; init; }

    public bool SeedGiven { get; init; }

    public int Rounds { get; init; } = 50;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(150);

    public bool Slow { get; init; }

    public bool Keepalived { get; init; } = true;

    public TimeSpan Margin { get; init; } = TimeSpan.FromMilliseconds(1000);

    public string? LogFile { get; init; }

    public bool StrictResume { get; init; }

    public static ChaosOptions FromEnvironment()
    {
        string? seed = Environment.GetEnvironmentVariable("VRRP_CHAOS_SEED");
        return new ChaosOptions
        {
            Seed = string.IsNullOrEmpty(seed) ? Random.Shared.Next(1, int.MaxValue) : int.Parse(seed, CultureInfo.InvariantCulture),
            SeedGiven = !string.IsNullOrEmpty(seed),
            Rounds = Int("VRRP_CHAOS_ROUNDS") ?? 50,
            Duration = TimeSpan.FromSeconds(Int("VRRP_CHAOS_DURATION") ?? 150),
            Slow = Environment.GetEnvironmentVariable("VRRP_CHAOS_SLOW") == "1",
            Keepalived = Environment.GetEnvironmentVariable("VRRP_CHAOS_KEEPALIVED") != "0",
            Margin = TimeSpan.FromMilliseconds(Int("VRRP_CHAOS_MARGIN_MS") ?? 1000),
            StrictResume = Environment.GetEnvironmentVariable("VRRP_CHAOS_STRICT_RESUME") == "1",
            LogFile = Environment.GetEnvironmentVariable("VRRP_CHAOS_LOG") is { Length: > 0 } log ? log : null,
        };
    }

    private static int? Int(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;
}
