using CsCheck;

namespace Vrrp.Keepalived.Tests;

/// <summary>Words written into keepalived.conf by the writer read back as the same single token.</summary>
public class WriterWordTests
{
    [Fact]
    public void A_written_word_reads_back_as_one_token()
    {
        var lexer = new ConfigLexer(new DiagnosticList(), "test");
        Gen.String[Gen.Char['\u0020', '\u00ff'], 0, 16].Where(static w => !w.Contains('"', StringComparison.Ordinal) && w is not ("{" or "}")).Sample(word =>
        {
            var tokens = lexer.Tokenize(KeepalivedConfigWriter.Word(word), new SourceLocation("t", 1));
            Assert.Equal(word, Assert.Single(tokens).Text);
        });
    }

    [Theory]
    [InlineData("say \"hi\"")]
    [InlineData("two\nlines")]
    [InlineData("}")]
    public void A_word_keepalived_conf_cannot_hold_is_refused(string word) =>
        Assert.Throws<ArgumentException>(() => KeepalivedConfigWriter.Word(word));
}
