using CsCheck;
using Vrrp.Hosting;

namespace Vrrp.Hosting.Tests;

/// <summary>Script strings are split into program and arguments without a shell, the way keepalived does it.</summary>
public class CommandLineTests
{
    [Theory]
    [InlineData("/bin/true", new[] { "/bin/true" })]
    [InlineData("  /bin/echo   a\tb  ", new[] { "/bin/echo", "a", "b" })]
    [InlineData("/bin/echo 'a b' \"c d\"", new[] { "/bin/echo", "a b", "c d" })]
    [InlineData("/bin/echo a'b c'd", new[] { "/bin/echo", "ab cd" })]
    [InlineData("/bin/echo 'it''s'", new[] { "/bin/echo", "its" })]
    [InlineData("/bin/echo \"say \\\"hi\\\"\"", new[] { "/bin/echo", "say \"hi\"" })]
    [InlineData("/bin/echo '\\n in quotes too'", new[] { "/bin/echo", "\n in quotes too" })]
    [InlineData("/bin/echo 'it\\'s' \\x41\\x4a2", new[] { "/bin/echo", "it's", "A\u00a2" })]
    [InlineData("/bin/echo \\cA\\E \\q", new[] { "/bin/echo", "\u0001\u001b", "q" })]
    [InlineData("/bin/echo a\\ b", new[] { "/bin/echo", "a b" })]
    [InlineData("/bin/echo \"tab\\there\" \\101\\x42", new[] { "/bin/echo", "tab\there", "AB" })]
    [InlineData("/bin/echo ''", new[] { "/bin/echo", "" })]
    [InlineData("/bin/echo $HOME ; rm -rf /", new[] { "/bin/echo", "$HOME", ";", "rm", "-rf", "/" })]
    [InlineData("", new string[0])]
    public void Splits_like_keepalived(string line, string[] expected) =>
        Assert.Equal(expected, KeepalivedCommandLine.Split(line));

    [Theory]
    [InlineData("/bin/echo 'open")]
    [InlineData("/bin/echo \"open")]
    [InlineData("/bin/echo \"escaped \\\"")]
    [InlineData("/bin/echo lone\\")]
    public void An_unclosed_quote_is_reported(string line)
    {
        Assert.False(KeepalivedCommandLine.TrySplit(line, out _, out string? error));
        Assert.Matches("is not closed|lone backslash", error);
        Assert.Throws<FormatException>(() => KeepalivedCommandLine.Split(line));
    }

    [Fact]
    public void Join_quotes_only_what_needs_it() =>
        Assert.Equal("/bin/x plain 'two words' 'it\\'s' '' 'a\\042b' 'back\\\\slash'", KeepalivedCommandLine.Join(["/bin/x", "plain", "two words", "it's", "", "a\"b", "back\\slash"]));

    [Fact]
    public void Join_then_split_gives_the_same_words() =>
        Gen.String[Gen.Char['\u0001', '\u00ff'], 0, 12].Array[1, 6]
            .Sample(words => Assert.Equal(words, KeepalivedCommandLine.Split(KeepalivedCommandLine.Join(words))));

    [Fact]
    public void Join_never_writes_a_double_quote() =>
        Gen.String[Gen.Char['\u0001', '\u00ff'], 0, 12].Array[1, 6]
            .Sample(words => Assert.DoesNotContain('"', KeepalivedCommandLine.Join(words)));
}
