namespace Vrrpd;

/// <summary>What vrrpd was asked to do.</summary>
internal enum DaemonMode
{
    /// <summary>Run the instances until SIGTERM/SIGINT.</summary>
    Run,

    /// <summary>Validate the configuration and exit (keepalived's <c>-t</c>).</summary>
    Check,

    /// <summary>Print the usage and exit.</summary>
    Help,

    /// <summary>Print the version and exit.</summary>
    Version,

    /// <summary>Print the number of one of keepalived's signals and exit (<c>--signum=NAME</c>).</summary>
    Signum,
}

/// <summary>
/// vrrpd's command line: its own options plus keepalived's, so that an existing keepalived unit's command line
/// (<c>keepalived --dont-fork --log-console -D --vrrp -f FILE -p PIDFILE</c>) starts vrrpd unchanged. keepalived's
/// options that do not apply to a VRRP-only daemon that logs to stdout are accepted and ignored. Parsed as getopt_long
/// does: bundled short flags (<c>-nlD</c>), <c>-fFILE</c>, <c>--use-file=FILE</c>.
/// </summary>
internal sealed class DaemonCommandLine
{
    /// <summary>keepalived's default configuration file.</summary>
    public const string DefaultConfigFile = "/etc/keepalived/keepalived.conf";

    public const string Usage = """
        Usage: vrrpd [OPTION...]
        A VRRP daemon (RFC 9568 v3, RFC 3768 v2) that reads keepalived.conf and speaks keepalived 2.2.7's VRRP.

          -f, --use-file=FILE      configuration: a keepalived.conf, or a JSON options file (*.json, section "Vrrp")
                                   (default /etc/keepalived/keepalived.conf)
          -t, --config-test, --check
                                   check the configuration and exit: 0 when valid, 1 listing every problem (file:line)
          -i, --config-id=ID       the id that "@ID" lines of keepalived.conf match (default: the short host name)
          -p, --pid=FILE           write the process id to FILE (removed on exit)
          -s, --namespace=NAME     run in network namespace NAME (/run/netns/NAME; overrides net_namespace)
          -V, --dont-release-vrrp  on stop, leave the virtual addresses in place and send no priority 0
          -X, --release-vips       remove virtual addresses left by a previous run (vrrpd always does)
              --signum=SIGFUNC     print the signal number for STOP, RELOAD, DATA, STATS, STATS_CLEAR or JSON
          -h, --help               show this help and exit
          -v, --version            show the version and exit

        keepalived's options that do not change what vrrpd does are accepted so that an existing unit's command line
        works: -n/--dont-fork, -l/--log-console, -D/--log-detail, -P/--vrrp, -G/--no-syslog, -S/--log-facility=N,
        -r/--vrrp_pid=FILE, -c/--checkers_pid=FILE, -R/--dont-respawn. vrrpd always runs in the foreground (one
        process: there is no child to respawn) and logs to stdout.
        Signals, as keepalived: SIGTERM or SIGINT stops (each master sends priority 0 and removes its virtual
        addresses); SIGHUP reloads the configuration (a file with errors is refused and the running one kept);
        SIGUSR1 writes $TMPDIR/keepalived.data (default /tmp), SIGUSR2 keepalived.stats, the JSON signal
        (--signum=JSON) keepalived.json.
        """;

    private DaemonCommandLine(DaemonMode mode, string configFile, string? configId, string? pidFile, List<string> ignored)
    {
        Mode = mode;
        ConfigFile = configFile;
        ConfigId = configId;
        PidFile = pidFile;
        Ignored = ignored;
    }

    /// <summary>The network namespace of <c>-s NAME</c>, or null.</summary>
    public string? Namespace { get; private init; }

    /// <summary><c>-V</c>: leave the virtual addresses in place on stop, without priority 0.</summary>
    public bool DontReleaseVrrp { get; private init; }

    /// <summary><c>-X</c>: release virtual addresses left by a previous run.</summary>
    public bool ReleaseVips { get; private init; }

    /// <summary>The signal function of <c>--signum=NAME</c>.</summary>
    public string? SignalFunction { get; private init; }

    public DaemonMode Mode { get; }

    public string ConfigFile { get; }

    public string? ConfigId { get; }

    public string? PidFile { get; }

    /// <summary>keepalived options that were accepted and ignored (for a debug line at start).</summary>
    public IReadOnlyList<string> Ignored { get; }

    /// <summary>Parses the arguments.</summary>
    /// <exception cref="FormatException">An unknown option, a missing value, or a stray argument; the message says which.</exception>
    public static DaemonCommandLine Parse(IReadOnlyList<string> args)
    {
        var mode = DaemonMode.Run;
        string configFile = DefaultConfigFile;
        string? configId = null;
        string? pidFile = null;
        string? ns = null;
        string? signum = null;
        bool dontRelease = false;
        bool releaseVips = false;
        var ignored = new List<string>();

        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                int eq = arg.IndexOf('=', StringComparison.Ordinal);
                string name = eq < 0 ? arg[2..] : arg[2..eq];
                string? inline = eq < 0 ? null : arg[(eq + 1)..];
                switch (name)
                {
                    case "use-file":
                        configFile = Value(arg, inline, args, ref i);
                        break;
                    case "config-id":
                        configId = Value(arg, inline, args, ref i);
                        break;
                    case "pid":
                        pidFile = Value(arg, inline, args, ref i);
                        break;
                    case "namespace":
                        ns = Value(arg, inline, args, ref i);
                        break;
                    case "signum":
                        signum = Value(arg, inline, args, ref i);
                        mode = Max(mode, DaemonMode.Signum);
                        break;
                    case "dont-release-vrrp":
                        NoValue(arg, inline);
                        dontRelease = true;
                        break;
                    case "release-vips":
                        NoValue(arg, inline);
                        releaseVips = true;
                        break;
                    case "dont-respawn":
                        NoValue(arg, inline);
                        ignored.Add(arg);
                        break;
                    case "vrrp_pid" or "checkers_pid" or "log-facility":
                        ignored.Add($"--{name}={Value(arg, inline, args, ref i)}");
                        break;
                    case "check" or "config-test":
                        NoValue(arg, inline);
                        mode = Max(mode, DaemonMode.Check);
                        break;
                    case "help":
                        NoValue(arg, inline);
                        mode = Max(mode, DaemonMode.Help);
                        break;
                    case "version":
                        NoValue(arg, inline);
                        mode = Max(mode, DaemonMode.Version);
                        break;
                    case "dont-fork" or "log-console" or "log-detail" or "vrrp" or "no-syslog" or "dump-conf":
                        NoValue(arg, inline);
                        ignored.Add(arg);
                        break;
                    default:
                        throw new FormatException($"unknown option '{arg}'");
                }

                continue;
            }

            if (arg.Length < 2 || arg[0] != '-')
            {
                throw new FormatException($"unexpected argument '{arg}' (the configuration file is given with -f FILE)");
            }

            // Short options, possibly bundled (-nlD) and with an attached value (-fFILE).
            for (int k = 1; k < arg.Length; k++)
            {
                char c = arg[k];
                string? attached = k + 1 < arg.Length ? arg[(k + 1)..] : null;
                switch (c)
                {
                    case 'f':
                        configFile = ShortValue(c, attached, args, ref i);
                        k = arg.Length;
                        break;
                    case 'i':
                        configId = ShortValue(c, attached, args, ref i);
                        k = arg.Length;
                        break;
                    case 'p':
                        pidFile = ShortValue(c, attached, args, ref i);
                        k = arg.Length;
                        break;
                    case 's':
                        ns = ShortValue(c, attached, args, ref i);
                        k = arg.Length;
                        break;
                    case 'V':
                        dontRelease = true;
                        break;
                    case 'X':
                        releaseVips = true;
                        break;
                    case 'R':
                        ignored.Add("-R");
                        break;
                    case 'r' or 'c' or 'S':
                        ignored.Add($"-{c} {ShortValue(c, attached, args, ref i)}");
                        k = arg.Length;
                        break;
                    case 't':
                        mode = Max(mode, DaemonMode.Check);
                        break;
                    case 'h':
                        mode = Max(mode, DaemonMode.Help);
                        break;
                    case 'v':
                        mode = Max(mode, DaemonMode.Version);
                        break;
                    case 'n' or 'l' or 'D' or 'P' or 'G' or 'd':
                        ignored.Add("-" + c);
                        break;
                    default:
                        throw new FormatException($"unknown option '-{c}'");
                }
            }
        }

        if (configFile.Length == 0)
        {
            throw new FormatException("the configuration file name is empty");
        }

        if (ns is { Length: 0 })
        {
            throw new FormatException("the network namespace name is empty");
        }

        return new DaemonCommandLine(mode, configFile, configId, pidFile, ignored)
        {
            Namespace = ns,
            DontReleaseVrrp = dontRelease,
            ReleaseVips = releaseVips,
            SignalFunction = signum,
        };
    }

    // Help, version and signum win over check, check over run, whatever the order.
    private static DaemonMode Max(DaemonMode a, DaemonMode b) => (DaemonMode)Math.Max((int)a, (int)b);

    private static string Value(string arg, string? inline, IReadOnlyList<string> args, ref int i)
    {
        if (inline is not null)
        {
            return inline;
        }

        if (i + 1 >= args.Count)
        {
            throw new FormatException($"option '{arg}' needs a value");
        }

        return args[++i];
    }

    private static string ShortValue(char option, string? attached, IReadOnlyList<string> args, ref int i)
    {
        if (attached is not null)
        {
            return attached;
        }

        if (i + 1 >= args.Count)
        {
            throw new FormatException($"option '-{option}' needs a value");
        }

        return args[++i];
    }

    private static void NoValue(string arg, string? inline)
    {
        if (inline is not null)
        {
            throw new FormatException($"option '{arg[..arg.IndexOf('=', StringComparison.Ordinal)]}' takes no value");
        }
    }
}
