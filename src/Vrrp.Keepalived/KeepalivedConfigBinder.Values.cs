using System.Globalization;

namespace Vrrp.Keepalived;

// How words are read with keepalived's rules; the syntaxes of KeywordTable (Syntax) are built on these.
internal sealed partial class KeepalivedConfigBinder
{
    internal void Error(ConfigStatement s, string message) => _d.Error(s.Location, message);

    internal void Warning(ConfigStatement s, string message) => _d.Warning(s.Location, message);

    /// <summary>Linux interface names have at most 15 characters (IFNAMSIZ 16 with the terminator).</summary>
    internal bool IsInterfaceName(ConfigStatement s, string name)
    {
        if (name.Length <= 15 && !name.Contains('/', StringComparison.Ordinal) && name is not ("." or ".."))
        {
            return true;
        }

        _d.Error(s.Location, $"{s.Keyword} '{name}': expected an interface name of at most 15 characters, without '/'");
        return false;
    }

    private bool RequireBlock(ConfigStatement s)
    {
        if (s.Block is null)
        {
            _d.Error(s.Location, $"{s.Keyword}: expected a block '{{ ... }}'");
            return false;
        }

        return true;
    }

    internal bool NoBlock(ConfigStatement s)
    {
        if (s.Block is not null)
        {
            _d.Error(s.Location, $"{s.Keyword} does not take a block");
            return false;
        }

        return true;
    }

    internal bool RequireName(ConfigStatement s, out string name)
    {
        if (s.Arguments.Count == 0)
        {
            _d.Error(s.Location, $"{s.Keyword}: expected a name before '{{'");
            name = "";
            return false;
        }

        if (s.Arguments.Count > 1)
        {
            _d.Warning(s.Location, $"{s.Keyword} {s.Arguments[0].Text}: '{Extra(s, 1)}' after the name is ignored");
        }

        name = s.Arguments[0].Text;
        return true;
    }

    /// <summary>
    /// keepalived's old_unicast_checksum: alone it is the old form from the start, with <c>never</c> the RFC form for
    /// good; any other word is an error (keepalived reports it and keeps its default, switching on hearing the old form).
    /// Like every unicast keyword it names the instance unicast (see CompleteUnicast).
    /// </summary>
    internal void ReadOldUnicastChecksum(ConfigStatement s, Vrrp.Hosting.VrrpInstanceOptions o)
    {
        if (s.Arguments.Count == 0)
        {
            o.OldUnicastChecksum = OldUnicastChecksum.Always;
        }
        else if (string.Equals(s.Arguments[0].Text, "never", StringComparison.Ordinal))
        {
            o.OldUnicastChecksum = OldUnicastChecksum.Never;
            WarnExtra(s, 1);
        }
        else
        {
            _d.Error(s.Location, $"old_unicast_checksum: unknown mode '{s.Arguments[0].Text}' (keepalived reports it and ignores the keyword); write 'old_unicast_checksum' or 'old_unicast_checksum never'");
        }
    }

    /// <summary>
    /// keepalived's native_ipv6 (vrrp_parser.c): the instance is IPv6 and VRRPv3 whatever comes next; after an IPv4
    /// address (virtual, source, peer or group) it is an error keepalived reports and ignores. IPv4 virtual addresses
    /// after it are refused when the instance is complete, and an instance left without virtual addresses is refused as
    /// keepalived refuses a VRRPv3 one ("at least one is required").
    /// </summary>
    internal void ReadNativeIpv6(ConfigStatement s, Vrrp.Hosting.VrrpInstanceOptions o)
    {
        NoArguments(s);
        bool ipv4 = (o.VirtualAddresses.Count > 0 && Vrrp.Hosting.VirtualAddressSpec.Parse(o.VirtualAddresses[0]).Address.Family == VrrpAddressFamily.IPv4) ||
            IsIPv4(o.SourceAddress) || IsIPv4(o.MulticastGroup) || o.UnicastPeers.Any(IsIPv4);
        if (ipv4)
        {
            _d.Error(s.Location, $"vrrp_instance '{o.Name}': cannot specify native_ipv6 with IPv4 addresses (as keepalived says)");
            return;
        }

        o.Version = VrrpVersion.V3;

        static bool IsIPv4(string? text) => text is not null && IPAddressValue.TryParse(text, out var address) && address.Family == VrrpAddressFamily.IPv4;
    }

    internal void NoArguments(ConfigStatement s)
    {
        if (s.Arguments.Count > 0)
        {
            _d.Warning(s.Location, $"{s.Keyword}: '{Extra(s, 0)}' is ignored ({s.Keyword} takes no value)");
        }
    }

    internal void WarnExtra(ConfigStatement s, int from)
    {
        if (s.Arguments.Count > from)
        {
            _d.Warning(s.Location, $"{s.Keyword}: '{Extra(s, from)}' is ignored");
        }
    }

    private static string Extra(ConfigStatement s, int from) => string.Join(' ', s.Arguments.Skip(from).Select(static a => a.Text));

    internal bool RequireString(ConfigStatement s, string expected, out string value, bool checkExtra = true)
    {
        if (s.Arguments.Count == 0 || s.Arguments[0].Text.Length == 0)
        {
            _d.Error(s.Location, $"{s.Keyword}: expected {expected}");
            value = "";
            return false;
        }

        if (checkExtra)
        {
            WarnExtra(s, 1);
        }

        value = s.Arguments[0].Text;
        return true;
    }

    /// <summary>A decimal integer (leading zeros allowed: <c>09</c> is 9) in <paramref name="min"/>..<paramref name="max"/>.</summary>
    internal bool TryParseInt(ConfigStatement s, int index, long min, long max, string expected, out int value, string? what = null, bool checkExtra = true)
    {
        what ??= s.Keyword;
        value = 0;
        if (s.Arguments.Count <= index)
        {
            _d.Error(s.Location, $"{what}: expected {expected}");
            return false;
        }

        string text = s.Arguments[index].Text;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed) || parsed < min || parsed > max)
        {
            _d.Error(s.Location, $"{what} '{text}': expected {expected}");
            return false;
        }

        if (checkExtra)
        {
            WarnExtra(s, index + 1);
        }

        value = (int)parsed;
        return true;
    }

    /// <summary>
    /// A plain decimal number (digits with an optional fraction; no sign, no exponent). keepalived keeps six decimals
    /// (microseconds) and rounds a seventh away with a complaint; so does this, with a warning.
    /// </summary>
    internal bool TryParseDecimal(ConfigStatement s, int index, string expected, out decimal value)
    {
        value = 0;
        if (s.Arguments.Count <= index)
        {
            _d.Error(s.Location, $"{s.Keyword}: expected {expected}");
            return false;
        }

        string text = s.Arguments[index].Text;
        if (!IsPlainDecimal(text) || !decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value))
        {
            _d.Error(s.Location, $"{s.Keyword} '{text}': expected {expected}");
            return false;
        }

        decimal rounded = Math.Round(value, 6, MidpointRounding.AwayFromZero);
        if (rounded != value)
        {
            _d.Warning(s.Location, $"{s.Keyword} '{text}': more than 6 decimal places; rounded to {rounded.ToString("0.######", CultureInfo.InvariantCulture)} (as keepalived does)");
            value = rounded;
        }

        WarnExtra(s, index + 1);
        return true;

        static bool IsPlainDecimal(string text)
        {
            int dots = 0;
            int digits = 0;
            foreach (char c in text)
            {
                if (c == '.')
                {
                    dots++;
                }
                else if (char.IsAsciiDigit(c))
                {
                    digits++;
                }
                else
                {
                    return false;
                }
            }

            return digits > 0 && dots <= 1 && text.Length <= 20;
        }
    }

    /// <summary>Seconds with an optional fraction (keepalived's TIMER, microsecond resolution), in <paramref name="min"/>..<paramref name="max"/>.</summary>
    internal bool TryParseSeconds(ConfigStatement s, decimal min, decimal max, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        string range = $"seconds {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}";
        if (!TryParseDecimal(s, 0, range, out decimal seconds))
        {
            return false;
        }

        if (seconds < min || seconds > max)
        {
            _d.Error(s.Location, $"{s.Keyword} '{s.Arguments[0].Text}': expected {range}");
            return false;
        }

        value = TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond));
        return true;
    }

    /// <summary>Whole seconds (keepalived reads these timers as unsigned integers) in <paramref name="min"/>..<paramref name="max"/>.</summary>
    internal bool TryParseWholeSeconds(ConfigStatement s, long min, long max, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        string expected = $"whole seconds {min}..{max}";
        if (s.Arguments.Count == 0)
        {
            _d.Error(s.Location, $"{s.Keyword}: expected {expected}");
            return false;
        }

        string text = s.Arguments[0].Text;
        if (!text.All(char.IsAsciiDigit) || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) ||
            seconds < min || seconds > max)
        {
            _d.Error(s.Location, $"{s.Keyword} '{text}': expected {expected}");
            return false;
        }

        WarnExtra(s, 1);
        value = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary>keepalived's BOOL: on|off|true|false|yes|no, and no value means on.</summary>
    internal bool TryParseBool(ConfigStatement s, out bool value)
    {
        value = true;
        if (s.Arguments.Count == 0)
        {
            return true;
        }

        switch (s.Arguments[0].Text.ToLowerInvariant())
        {
            case "on" or "true" or "yes":
                value = true;
                break;
            case "off" or "false" or "no":
                value = false;
                break;
            default:
                _d.Error(s.Location, $"{s.Keyword} '{s.Arguments[0].Text}': expected on, off, true, false, yes or no");
                return false;
        }

        WarnExtra(s, 1);
        return true;
    }

    internal bool RequireAddress(ConfigStatement s, out string address)
    {
        address = "";
        if (!RequireString(s, "an IPv4 or IPv6 address", out string text))
        {
            return false;
        }

        if (!TryParseAddress(text, out var value))
        {
            _d.Error(s.Location, $"{s.Keyword} '{text}': expected an IPv4 or IPv6 address");
            return false;
        }

        address = value.ToString();
        return true;
    }

    /// <summary>A dotted-quad IPv4 address (four decimal parts) or an IPv6 address without a zone, as inet_pton reads them.</summary>
    internal static bool TryParseAddress(string text, out IPAddressValue address)
    {
        address = default;
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return !text.Contains('%', StringComparison.Ordinal) && IPAddressValue.TryParse(text, out address) &&
                address.Family == VrrpAddressFamily.IPv6;
        }

        string[] parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (string part in parts)
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || int.Parse(part, CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
        }

        return IPAddressValue.TryParse(text, out address);
    }

    private static bool TryParseAddressWithPrefix(string text, out IPAddressValue address, out int prefix, out string? expected)
    {
        prefix = 0;
        int slash = text.IndexOf('/');
        if (!TryParseAddress(slash < 0 ? text : text[..slash], out address))
        {
            expected = "an IPv4 or IPv6 address, optionally with /PREFIX";
            return false;
        }

        int max = address.Family == VrrpAddressFamily.IPv4 ? 32 : 128;
        if (slash < 0)
        {
            prefix = max;
        }
        else if (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > max)
        {
            expected = $"a prefix length 0..{max} after '/'";
            return false;
        }

        expected = null;
        return true;
    }

    /// <summary>
    /// vrrp_cpu_affinity: CPU numbers, each from 0 to the last online CPU, as keepalived's get_cpu_affinity; the first
    /// bad one is an error and empties the set, as there.
    /// </summary>
    internal void ReadCpuAffinity(ConfigStatement s, List<int> cpus)
    {
        cpus.Clear();
        if (s.Arguments.Count == 0)
        {
            Error(s, $"{s.Keyword} needs at least one CPU number");
            return;
        }

        int last = Environment.ProcessorCount - 1;
        for (int i = 0; i < s.Arguments.Count; i++)
        {
            if (!int.TryParse(s.Arguments[i].Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int cpu) || cpu > last)
            {
                Error(s, $"{s.Keyword}: '{s.Arguments[i].Text}' is not a CPU number 0..{last}");
                cpus.Clear();
                return;
            }

            if (!cpus.Contains(cpu))
            {
                cpus.Add(cpu);
            }
        }
    }

    /// <summary>
    /// vrrp_process_name NAME / process_names: the comm of the VRRP process; as keepalived's save_process_name, a name of
    /// 16 bytes or more is an error (keepalived truncates it to 15 and reports it).
    /// </summary>
    internal void ReadProcessName(ConfigStatement s, string? name, Action<string> set)
    {
        if (string.IsNullOrEmpty(name))
        {
            Error(s, "Process name missing");
            return;
        }

        if (System.Text.Encoding.UTF8.GetByteCount(name) > 15)
        {
            Error(s, $"Process name {name} more than 15 characters");
            return;
        }

        set(name);
    }

    /// <summary>
    /// umask MODE (global_parser.c's umask_handler): a number as strtol reads it with base 0 (<c>022</c> octal,
    /// <c>0x12</c> hex, <c>18</c> decimal), permission bits only; or bit names joined by <c>|</c>, with or without
    /// spaces around it (<c>IWGRP|IWOTH</c>, <c>IWGRP | IROTH</c>: IRUSR IWUSR IXUSR IRGRP IWGRP IXGRP IROTH IWOTH
    /// IXOTH). What keepalived reports as a configuration error is an error here too.
    /// </summary>
    internal void ReadUmask(ConfigStatement s, Vrrp.Hosting.VrrpProcessOptions process)
    {
        if (s.Arguments.Count == 0)
        {
            Error(s, "Missing parameter(s) to umask option");
            return;
        }

        string first = s.Arguments[0].Text;
        if (first.Length > 0 && char.IsAsciiDigit(first[0]))
        {
            if (s.Arguments.Count != 1)
            {
                Error(s, "Extra parameter(s) to umask option");
                return;
            }

            if (!TryParseCNumber(first, out long value) || value < 0 || value > 511)
            {
                Error(s, $"invalid umask value {first}");
                return;
            }

            process.Umask = (int)value;
            return;
        }

        int bits = 0;
        bool needOr = false;
        foreach (var argument in s.Arguments)
        {
            string text = argument.Text;
            for (int p = 0; p < text.Length;)
            {
                if (needOr)
                {
                    if (text[p] != '|')
                    {
                        Error(s, $"Invalid umask syntax {text}");
                        return;
                    }

                    needOr = false;
                    p++;
                    continue;
                }

                int bit = UmaskBit(text.AsSpan(p));
                if (bit == 0)
                {
                    Error(s, $"Unknown umask bit {text[p..]}");
                    return;
                }

                bits |= bit;
                p += 5;
                needOr = true;
            }
        }

        if (!needOr)
        {
            Error(s, "umask missing bit value");
            return;
        }

        process.Umask = bits;

        static int UmaskBit(ReadOnlySpan<char> name) => name.Length < 5 ? 0 : name[..5] switch
        {
            "IRUSR" => 0x100,
            "IWUSR" => 0x80,
            "IXUSR" => 0x40,
            "IRGRP" => 0x20,
            "IWGRP" => 0x10,
            "IXGRP" => 0x8,
            "IROTH" => 0x4,
            "IWOTH" => 0x2,
            "IXOTH" => 0x1,
            _ => 0,
        };
    }

    /// <summary>A whole word read as C's strtol with base 0: 0x hexadecimal, a leading 0 octal, else decimal.</summary>
    private static bool TryParseCNumber(string text, out long value)
    {
        value = 0;
        int radix = 10;
        int start = 0;
        if (text.Length > 1 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
        {
            (radix, start) = (16, 2);
        }
        else if (text.Length > 1 && text[0] == '0')
        {
            (radix, start) = (8, 1);
        }

        if (start == text.Length)
        {
            return false;
        }

        for (int i = start; i < text.Length; i++)
        {
            int digit = char.IsAsciiDigit(text[i]) ? text[i] - '0' : char.IsAsciiHexDigit(text[i]) ? (char.ToLowerInvariant(text[i]) - 'a') + 10 : 99;
            if (digit >= radix)
            {
                return false;
            }

            value = (value * radix) + digit;
            if (value > int.MaxValue)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>random_seed N: an unsigned 32-bit number, else keepalived's "random_seed N invalid"; nothing to apply (see KeywordTable).</summary>
    internal void ReadRandomSeed(ConfigStatement s)
    {
        if (s.Arguments.Count != 1 || !uint.TryParse(s.Arguments[0].Text, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            Error(s, $"random_seed {(s.Arguments.Count > 0 ? s.Arguments[0].Text : "")} invalid");
        }
    }

    /// <summary><c>KEYWORD [PATH]</c>: the path, or <paramref name="absent"/> without one.</summary>
    internal void ReadOptionalPath(ConfigStatement s, string absent, Action<string> set)
    {
        if (s.Arguments.Count > 1)
        {
            WarnExtra(s, 1);
        }

        set(s.Arguments.Count > 0 && s.Arguments[0].Text.Length > 0 ? s.Arguments[0].Text : absent);
    }

    /// <summary>
    /// Daemon settings whose default depends on others: reload_file without a path is /run/keepalived.reload, or
    /// /run/keepalived/keepalived.reload when keepalived uses its pid directory (with a network namespace), or
    /// /run/keepalived/keepalived_INSTANCE.reload with an instance name, as keepalived's init_global_data resolves it.
    /// </summary>
    private void CompleteDaemonSettings()
    {
        if (_options.Process.ReloadFile == KeywordTable.DefaultReloadFile)
        {
            _options.Process.ReloadFile = _options.Process.InstanceName is { } instance ? $"/run/keepalived/keepalived_{instance}.reload"
                : _options.NetworkNamespace is null ? "/run/keepalived.reload" : "/run/keepalived/keepalived.reload";
        }
    }

    /// <summary><c>instance NAME</c>: keepalived keeps the first ("Duplicate instance definition NAME - ignoring").</summary>
    internal void ReadInstanceName(ConfigStatement s, Vrrp.Hosting.VrrpProcessOptions process)
    {
        if (s.Arguments.Count == 0)
        {
            Error(s, "instance name missing - ignoring");
        }
        else if (process.InstanceName is not null)
        {
            Error(s, $"Duplicate instance definition {s.Arguments[0].Text} - ignoring");
        }
        else
        {
            process.InstanceName = s.Arguments[0].Text;
        }
    }
}
