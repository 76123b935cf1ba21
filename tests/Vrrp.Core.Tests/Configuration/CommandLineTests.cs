using CsCheck;
using Vrrp.Configuration.Keepalived;

namespace Vrrp.Tests.Configuration;

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
    [InlineData("/bin/echo '\\n stays'", new[] { "/bin/echo", "\\n stays" })]
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
    public void An_unclosed_quote_is_reported(string line)
    {
        Assert.False(KeepalivedCommandLine.TrySplit(line, out _, out string? error));
        Assert.Contains("is not closed", error, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => KeepalivedCommandLine.Split(line));
    }

    [Fact]
    public void Join_quotes_only_what_needs_it() =>
        Assert.Equal("/bin/x plain 'two words' \"it's\" '' 'a\"b'", KeepalivedCommandLine.Join(["/bin/x", "plain", "two words", "it's", "", "a\"b"]));

    [Fact]
    public void Join_then_split_gives_the_same_words() =>
        Gen.String[Gen.Char['\u0001', '\u00ff'], 0, 12].Array[1, 6]
            .Sample(words => Assert.Equal(words, KeepalivedCommandLine.Split(KeepalivedCommandLine.Join(words))));

    [Fact]
    public void A_written_word_reads_back_as_one_token()
    {
        var lexer = new ConfigLexer(new DiagnosticList(), "test");
        Gen.String[Gen.Char['\u0020', '\u00ff'], 0, 16].Sample(word =>
        {
            var tokens = lexer.Tokenize(KeepalivedConfigWriter.Word(word), new SourceLocation("t", 1));
            Assert.Equal(word, Assert.Single(tokens).Text);
        });
    }
}
