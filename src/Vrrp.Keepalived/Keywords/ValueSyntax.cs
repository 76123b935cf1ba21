using System.Globalization;
using Vrrp.Hosting;

namespace Vrrp.Keepalived;

/// <summary>
/// How the words of a value are read with keepalived's rules (numbers, timers, booleans, addresses...) and written
/// back. Reading reports its own errors with the keyword's name; the value's range is part of the syntax.
/// </summary>
internal abstract class ValueSyntax<T>
{
    /// <summary>Reads the value from the statement's words at <paramref name="index"/>.</summary>
    /// <param name="binder">Where problems are reported.</param>
    /// <param name="s">The statement.</param>
    /// <param name="index">The first word of the value (0 is the first word after the keyword).</param>
    /// <param name="what">How messages name the value: the keyword, or for example <c>track_interface eth1 weight</c>.</param>
    /// <param name="value">The value read.</param>
    /// <returns>False after reporting an error.</returns>
    public abstract bool TryRead(KeepalivedConfigBinder binder, ConfigStatement s, int index, string what, out T value);

    /// <summary>The index of the first word after the value (words after it are warned about as extra).</summary>
    public virtual int Words(ConfigStatement s, int index) => index + 1;

    /// <summary>The value as keepalived.conf words.</summary>
    public abstract string Format(T value);

    /// <summary>
    /// A value below <paramref name="floor"/> is raised to it with a warning (keepalived: "garp_master_repeat must be
    /// greater than 0, setting to 1").
    /// </summary>
    public ValueSyntax<T> RaisedTo(T floor) => new RaisedSyntax<T>(this, floor);

    /// <summary>The same words read into another type (an enum, a nullable value...).</summary>
    public ValueSyntax<TOut> Map<TOut>(Func<T, TOut> read, Func<TOut, T> write) => new MappedSyntax<T, TOut>(this, read, write);
}

/// <summary>A syntax whose values below a floor are raised to it, with a warning.</summary>
internal sealed class RaisedSyntax<T>(ValueSyntax<T> inner, T floor) : ValueSyntax<T>
{
    public override bool TryRead(KeepalivedConfigBinder binder, ConfigStatement s, int index, string what, out T value)
    {
        if (!inner.TryRead(binder, s, index, what, out value))
        {
            return false;
        }

        if (Comparer<T>.Default.Compare(value, floor) < 0)
        {
            binder.Warning(s, $"{what} {inner.Format(value)}: it must be at least {inner.Format(floor)}; {inner.Format(floor)} is used (as keepalived does)");
            value = floor;
        }

        return true;
    }

    public override int Words(ConfigStatement s, int index) => inner.Words(s, index);

    public override string Format(T value) => inner.Format(value);
}

/// <summary>A syntax whose value is converted after reading and before writing.</summary>
internal sealed class MappedSyntax<TIn, TOut>(ValueSyntax<TIn> inner, Func<TIn, TOut> read, Func<TOut, TIn> write) : ValueSyntax<TOut>
{
    public override bool TryRead(KeepalivedConfigBinder binder, ConfigStatement s, int index, string what, out TOut value)
    {
        bool ok = inner.TryRead(binder, s, index, what, out TIn raw);
        value = ok ? read(raw) : default!;
        return ok;
    }

    public override int Words(ConfigStatement s, int index) => inner.Words(s, index);

    public override string Format(TOut value) => inner.Format(write(value));
}

/// <summary>The value syntaxes of keepalived.conf.</summary>
internal static class Syntax
{
    /// <summary>A decimal integer in <paramref name="min"/>..<paramref name="max"/> (leading zeros allowed: <c>09</c> is 9).</summary>
    public static ValueSyntax<int> Integer(long min, long max, string? expected = null) =>
        new IntegerSyntax(min, max, expected ?? $"a number {min}..{max}");

    /// <summary>Whole seconds (keepalived reads these timers as unsigned integers).</summary>
    public static ValueSyntax<TimeSpan> WholeSeconds(long min, long max) => new WholeSecondsSyntax(min, max);

    /// <summary>Seconds with up to six decimals (keepalived's microsecond timers).</summary>
    public static ValueSyntax<TimeSpan> Seconds(decimal min, decimal max) => new SecondsSyntax(min, max);

    /// <summary>keepalived's BOOL: on|off|true|false|yes|no; no value means on.</summary>
    public static ValueSyntax<bool> Bool { get; } = new BoolSyntax();

    /// <summary>One word.</summary>
    public static ValueSyntax<string> Text(string expected) => new TextSyntax(expected);

    /// <summary>A Linux interface name.</summary>
    public static ValueSyntax<string> InterfaceName { get; } = new InterfaceNameSyntax();

    /// <summary>An IPv4 or IPv6 address, written back in its normal form.</summary>
    public static ValueSyntax<string?> Address { get; } = new AddressSyntax();

    /// <summary>A choice among words (case sensitive, as keepalived).</summary>
    public static ValueSyntax<T> Choice<T>(string expected, params (string Word, T Value)[] words) => new ChoiceSyntax<T>(expected, words);

    /// <summary>advert_int: seconds above 0 and at most 255 with up to six decimals; the version's rules apply when the instance is complete.</summary>
    public static ValueSyntax<TimeSpan> AdvertisementInterval { get; } = new AdvertisementIntervalSyntax();

    /// <summary>auth_pass: one word, of which keepalived uses the first 8 characters.</summary>
    public static ValueSyntax<string?> Password { get; } = new PasswordSyntax();

    /// <summary>A multicast group address of one family (vrrp_mcast_group4 / vrrp_mcast_group6), as keepalived checks it.</summary>
    public static ValueSyntax<string?> MulticastGroup(VrrpAddressFamily family) => new MulticastGroupSyntax(family);

    /// <summary>
    /// mcast_dst_ip: an IPv4 multicast address or an IPv6 link-local scoped one (ffX2::/16), as keepalived checks it (the
    /// family must be the instance's: checked when the instance is complete).
    /// </summary>
    public static ValueSyntax<string?> InstanceMulticastGroup { get; } = new MulticastGroupSyntax(null);

    private sealed class AdvertisementIntervalSyntax : ValueSyntax<TimeSpan>
    {
        public override bool TryRead(KeepalivedConfigBinder binder, ConfigStatement s, int index, string what, out TimeSpan value)
        {
            value = TimeSpan.Zero;
            if (!binder.TryParseDecimal(s, index, "seconds, for example 1 or 0.5", out decimal seconds))
            {
                return false;
            }

            // keepalived reads 0.01..255 s here; the version's own limits and steps apply when the instance is complete.
            if (seconds < 0.01m || seconds > VrrpLimits.MaximumV2AdvertisementIntervalSeconds)
            {
                binder.Error(s, $"{what} '{s.Arguments[index].Text}': expected seconds 0.01..{VrrpLimits.MaximumV2AdvertisementIntervalSeconds}");
                return false;
            }

            value = TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond));
            return true;
        }

        public override int Words(ConfigStatement s, int index) => s.Arguments.Count; // extra words are reported while reading

        public override string Format(TimeSpan value) => KeepalivedConfigWriter.Seconds(value);
    }

    private sealed class PasswordSyntax : ValueSyntax<string?>
    {
        public override bool TryRead(KeepalivedConfigBinder binder, ConfigStatement s, int index, string what, out string? value)
        {
            bool ok = binder.RequireString(s, "a password", out string pass, checkExtra: false);
            if (ok && pass.Length > 8)
            {
                binder.Warning(s, $"{what}: only the first 8 characters are used ('{pass[..8]}')");
                pass = pass[..8];
            }

            value = pass;
            return ok;
        }

        public override string Format(string? value) => KeepalivedConfigWriter.Word(value!);
    }

    private sealed class MulticastGroupSyntax(VrrpAddressFamily? only) : ValueSyntax<string?>
    {
        public override bool TryRead(KeepalivedConfigBinder binder, ConfigStatement s, int index, string what, out string? value)
        {
            value = null;
            if (!binder.RequireAddress(s, out string text))
            {
                return false;
            }

            var address = IPAddressValue.Parse(text);
            Span<byte> bytes = stackalloc byte[16];
            address.WriteTo(bytes);
            if (only is null)
            {
                // keepalived's mcast_dst_ip: IN_MULTICAST, or IN6_IS_ADDR_MC_LINKLOCAL; anything else is skipped with an error.
                if (address.Family == VrrpAddressFamily.IPv4 ? bytes[0] is < 224 or > 239 : bytes[0] != 0xff || (bytes[1] & 0x0f) != 0x02)
                {
                    binder.Error(s, $"{what} '{s.Arguments[0].Text}': expected an IPv4 multicast address or an IPv6 link-local multicast address (ffX2::/16)");
                    return false;
                }

                value = text;
                return true;
            }

            var family = only.Value;
            if (address.Family != family || (family == VrrpAddressFamily.IPv4 ? bytes[0] is < 224 or > 239 : bytes[0] != 0xff))
            {
                binder.Error(s, $"{what} '{s.Arguments[0].Text}': expected an {(family == VrrpAddressFamily.IPv4 ? "IPv4" : "IPv6")} multicast address");
                return false;
            }

            if (family == VrrpAddressFamily.IPv6 && bytes[1] != 0x02)
            {
                binder.Warning(s, $"{what} {text} should be link-local multicast (ff02::/16; as keepalived says)");
            }

            value = text;
            return true;
        }

        public override int Words(ConfigStatement s, int index) => s.Arguments.Count; // extra words are reported while reading

        public override string Format(string? value) => value!;
    }

    private sealed class IntegerSyntax(long min, long max, string expected) : ValueSyntax<int>
    {
        public override bool TryRead(KeepalivedConfigBinder binder, ConfigStatement s, int index, string what, out int value) =>
            binder.TryParseInt(s, index, min, max, expected, out value, what, checkExtra: false);

        public override string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
    }

    private sealed class WholeSecondsSyntax(long min, long max) : ValueSyntax<TimeSpan>
    {
        public override int Words(ConfigStatement s, int index) => s.Arguments.Count; // extra words are reported while reading

        public override bool TryRead(KeepalivedConfigBinder binder, ConfigStatement s, int index, string what, out TimeSpan value) =>
            binder.TryParseWholeSeconds(s, min, max, out value);

        public override string Format(TimeSpan value) => KeepalivedConfigWriter.WholeSeconds(value, "whole seconds");
    }

    private sealed class SecondsSyntax(decimal min, decimal max) : ValueSyntax<TimeSpan>
    {
        public override int Words(ConfigStatement s, int index) => s.Arguments.Count; // extra words are reported while reading

        public override bool TryRead(KeepalivedConfigBinder binder, ConfigStatement s, int index, string what, out TimeSpan value) =>
            binder.TryParseSeconds(s, min, max, out value);

        public override string Format(TimeSpan value) => KeepalivedConfigWriter.Seconds(value);
    }

    private sealed class BoolSyntax : ValueSyntax<bool>
    {
        public override bool TryRead(KeepalivedConfigBinder binder, ConfigStatement s, int index, string what, out bool value) =>
            binder.TryParseBool(s, out value);

        public override int Words(ConfigStatement s, int index) => s.Arguments.Count; // extra words are reported while reading

        public override string Format(bool value) => value ? "on" : "off";
    }

    private sealed class TextSyntax(string expected) : ValueSyntax<string>
    {
        public override bool TryRead(KeepalivedConfigBinder binder, ConfigStatement s, int index, string what, out string value) =>
            binder.RequireString(s, expected, out value, checkExtra: false);

        public override string Format(string value) => KeepalivedConfigWriter.Word(value);
    }

    private sealed class InterfaceNameSyntax : ValueSyntax<string>
    {
        public override bool TryRead(KeepalivedConfigBinder binder, ConfigStatement s, int index, string what, out string value) =>
            binder.RequireString(s, "an interface name", out value, checkExtra: false) && binder.IsInterfaceName(s, value);

        public override string Format(string value) => KeepalivedConfigWriter.Word(value);
    }

    private sealed class AddressSyntax : ValueSyntax<string?>
    {
        public override int Words(ConfigStatement s, int index) => s.Arguments.Count; // extra words are reported while reading

        public override bool TryRead(KeepalivedConfigBinder binder, ConfigStatement s, int index, string what, out string? value)
        {
            bool ok = binder.RequireAddress(s, out string address);
            value = address;
            return ok;
        }

        public override string Format(string? value) => KeepalivedConfigWriter.Word(value!);
    }

    private sealed class ChoiceSyntax<T>(string expected, (string Word, T Value)[] words) : ValueSyntax<T>
    {
        public override bool TryRead(KeepalivedConfigBinder binder, ConfigStatement s, int index, string what, out T value)
        {
            value = default!;
            if (!binder.RequireString(s, expected, out string word, checkExtra: false))
            {
                return false;
            }

            foreach (var (text, v) in words)
            {
                if (text == word)
                {
                    value = v;
                    return true;
                }
            }

            binder.Error(s, $"{what} '{word}': expected {expected}");
            return false;
        }

        public override string Format(T value)
        {
            foreach (var (text, v) in words)
            {
                if (EqualityComparer<T>.Default.Equals(v, value))
                {
                    return text;
                }
            }

            throw new ArgumentException($"{value} has no keepalived.conf word.", nameof(value));
        }
    }
}
