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

    /// <summary>Ask a running vrrpd for its status over the control socket (<c>vrrpd status [--json]</c>).</summary>
    Status,

    /// <summary>Send a control command to a running vrrpd (<c>vrrpd ctl drain VI_1</c>...).</summary>
    Control,
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

    /// <summary>Where the daemon listens for control commands and the client connects, unless told otherwise.</summary>
    public const string DefaultControlSocket = "/run/vrrpd/vrrpd.sock";

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
          -u, --umask=MASK         the umask (a number: 022, 0x12 or 18; wins over the configuration's umask;
                                   default 0177 as keepalived's)
          -V, --dont-release-vrrp  on stop, leave the virtual addresses in place and send no priority 0
          -X, --release-vips       remove virtual addresses left by a previous run (vrrpd always does)
              --metrics-listen=[ADDRESS]:PORT
                                   serve Prometheus metrics on http://ADDRESS:PORT/metrics (off by default; an empty
                                   ADDRESS or * listens on every address; IPv6 as [::1]:9650)
              --control-socket=PATH
                                   the control socket (default /run/vrrpd/vrrpd.sock, mode 0600, root and vrrpd's own
                                   user only); "none" runs without one
              --signum=SIGFUNC     print the signal number for STOP, RELOAD, DATA, STATS, STATS_CLEAR or JSON
          -h, --help               show this help and exit
          -v, --version            show the version and exit

        Talking to a running vrrpd (over its control socket; --control-socket=PATH if not the default):
          vrrpd status [--json]            every instance: state, priorities, VIPs, last transition and its reason
          vrrpd ctl drain INSTANCE         priority 0 now, then Backup until resumed (maintenance)
          vrrpd ctl resume INSTANCE        take part in elections again
          vrrpd ctl priority INSTANCE N    override the configured priority (1..254; trackers still apply)
          vrrpd ctl priority INSTANCE reset
          vrrpd ctl events                 stream state changes and control actions as JSON lines until interrupted

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

    /// <summary>The umask of <c>-u MASK</c> (it wins over the configuration's <c>umask</c>, as in keepalived), or null.</summary>
    public int? Umask { get; private init; }

    /// <summary>The signal function of <c>--signum=NAME</c>.</summary>
    public string? SignalFunction { get; private init; }

    /// <summary>The metrics listener of <c>--metrics-listen</c>, or null (off).</summary>
    public MetricsEndpoint? Metrics { get; private init; }

    /// <summary>The control socket's path, or null for none (<c>--control-socket=none</c>).</summary>
    public string? ControlSocket { get; private init; } = DefaultControlSocket;

    /// <summary><c>vrrpd status --json</c>.</summary>
    public bool Json { get; private init; }

    /// <summary>The command and its arguments of <c>vrrpd ctl</c>.</summary>
    public IReadOnlyList<string> ControlCommand { get; private init; } = [];

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
        bool json = false;
        int? umask = null;
        MetricsEndpoint? metrics = null;
        string? controlSocket = DefaultControlSocket;
        var ignored = new List<string>();
        var command = new List<string>();
        int first = 0;
        if (args.Count > 0 && args[0] is "status" or "ctl")
        {
            mode = args[0] == "status" ? DaemonMode.Status : DaemonMode.Control;
            first = 1;
        }

        for (int i = first; i < args.Count; i++)
        {
            string arg = args[i];
            if (mode is DaemonMode.Control && command.Count > 0 && arg != "--json" && !arg.StartsWith("--control-socket", StringComparison.Ordinal))
            {
                command.Add(arg);
                continue;
            }

            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                int eq = arg.IndexOf('=', StringComparison.Ordinal);
                string name = eq < 0 ? arg[2..] : arg[2..eq];
                string? inline = eq < 0 ? null : arg[(eq + 1)..];
                switch (name)
                {
                    case "metrics-listen":
                        string endpoint = Value(arg, inline, args, ref i);
                        metrics = MetricsEndpoint.TryParse(endpoint, out var parsed, out string? why)
                            ? parsed
                            : throw new FormatException($"option '--metrics-listen': {why}");
                        break;
                    case "control-socket":
                        string socketPath = Value(arg, inline, args, ref i);
                        controlSocket = socketPath switch
                        {
                            "none" => null,
                            "" => throw new FormatException("option '--control-socket' needs a path (or none)"),
                            _ => socketPath,
                        };
                        break;
                    case "json" when mode is DaemonMode.Status or DaemonMode.Control:
                        NoValue(arg, inline);
                        json = true;
                        break;
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
                    case "umask":
                        umask = ParseUmask(Value(arg, inline, args, ref i));
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

            if (mode is DaemonMode.Control && (arg.Length < 2 || arg[0] != '-'))
            {
                command.Add(arg);
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
                    case 'u':
                        umask = ParseUmask(ShortValue(c, attached, args, ref i));
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

        if (mode is DaemonMode.Control && command.Count == 0)
        {
            throw new FormatException("'vrrpd ctl' needs a command: drain INSTANCE, resume INSTANCE, priority INSTANCE N|reset, events");
        }

        if (mode is DaemonMode.Status or DaemonMode.Control && controlSocket is null)
        {
            throw new FormatException($"'vrrpd {args[0]}' talks to the control socket: --control-socket=none leaves it nothing to talk to");
        }

        return new DaemonCommandLine(mode, configFile, configId, pidFile, ignored)
        {
            Metrics = metrics,
            ControlSocket = controlSocket,
            Json = json,
            ControlCommand = command,
            Namespace = ns,
            DontReleaseVrrp = dontRelease,
            ReleaseVips = releaseVips,
            Umask = umask,
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

    /// <summary>keepalived's <c>-u MASK</c>: a number as strtoll reads it with base 0, permission bits only.</summary>
    private static int ParseUmask(string text)
    {
        int radix = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? 16 : text.Length > 1 && text[0] == '0' ? 8 : 10;
        string digits = radix == 16 ? text[2..] : radix == 8 ? text[1..] : text;
        try
        {
            int value = digits.Length == 0 ? -1 : Convert.ToInt32(digits, radix);
            if (value is >= 0 and <= 511 && digits.All(char.IsAsciiHexDigit))
            {
                return value;
            }
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
        {
        }

        throw new FormatException($"Invalid --umask option {text}");
    }
}
