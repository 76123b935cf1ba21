namespace Vrrpd;

/// <summary>
/// keepalived's signals, by the names of its <c>--signum</c>: STOP (SIGTERM), RELOAD (SIGHUP), DATA (SIGUSR1), STATS
/// (SIGUSR2), STATS_CLEAR (SIGRTMAX - 1) and JSON (SIGRTMIN + 2), as the Debian build of keepalived 2.2.7 has them
/// (JSON enabled, no thread dump). So <c>kill -s $(vrrpd --signum=JSON) PID</c> works as with keepalived.
/// </summary>
internal static class KeepalivedSignals
{
    public const int SIGHUP = 1;
    public const int SIGUSR1 = 10;
    public const int SIGUSR2 = 12;
    public const int SIGTERM = 15;

    /// <summary>SIGRTMIN + 2, keepalived's JSON dump signal (36 with glibc).</summary>
    public static int Json => RtMin() + 2;

    /// <summary>SIGRTMAX - 1, keepalived's signal to print and clear the statistics (63 with glibc).</summary>
    public static int StatsClear => RtMax() - 1;

    /// <summary>The number of a keepalived signal function, or null when keepalived does not know the name (case matters, as there).</summary>
    public static int? Number(string function) => function switch
    {
        "STOP" => SIGTERM,
        "RELOAD" => SIGHUP,
        "DATA" => SIGUSR1,
        "STATS" => SIGUSR2,
        "STATS_CLEAR" => StatsClear,
        "JSON" => Json,
        _ => null,
    };

    private static int RtMin()
    {
        try
        {
            return Interop.CurrentSigRtMin();
        }
        catch (EntryPointNotFoundException)
        {
            return 34; // not glibc (musl has the same values)
        }
    }

    private static int RtMax()
    {
        try
        {
            return Interop.CurrentSigRtMax();
        }
        catch (EntryPointNotFoundException)
        {
            return 64;
        }
    }
}
