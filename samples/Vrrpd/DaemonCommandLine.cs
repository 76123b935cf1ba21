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
          -h, --help               show this help and exit
          -v, --version            show the version and exit

        keepalived's options that do not change what vrrpd does are accepted so that an existing unit's command line
        works: -n/--dont-fork, -l/--log-console, -D/--log-detail, -P/--vrrp, -G/--no-syslog, -S/--log-facility=N,
        -r/--vrrp_pid=FILE, -c/--checkers_pid=FILE. vrrpd always runs in the foreground and logs to stdout.
        SIGTERM or SIGINT stops it: each master sends priority 0 and removes its virtual addresses.
        """;

    private DaemonCommandLine(DaemonMode mode, string configFile, string? configId, string? pidFile, List<string> ignored)
    {
        Mode = mode;
        ConfigFile = configFile;
        ConfigId = configId;
        PidFile = pidFile;
        Ignored = ignored;
    }

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

        return new DaemonCommandLine(mode, configFile, configId, pidFile, ignored);
    }

    // Help and version win over check, check over run, whatever the order.
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
