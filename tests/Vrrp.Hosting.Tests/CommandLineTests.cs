namespace Vrrp.Hosting.Tests;

public class CommandLineTests
{
    [Theory]
    [InlineData("/usr/bin/notify.sh", new[] { "/usr/bin/notify.sh" })]
    [InlineData("  /bin/echo   a  b ", new[] { "/bin/echo", "a", "b" })]
    [InlineData("/bin/echo \"two words\" 'single $quoted' plain", new[] { "/bin/echo", "two words", "single $quoted", "plain" })]
    [InlineData("/bin/echo \"say \\\"hi\\\"\" back\\ slash", new[] { "/bin/echo", "say \"hi\"", "back slash" })]
    [InlineData("/bin/echo a\"b c\"d ''", new[] { "/bin/echo", "ab cd", "" })]
    [InlineData("/bin/echo $HOME | cat > x", new[] { "/bin/echo", "$HOME", "|", "cat", ">", "x" })]
    public void Splits_without_a_shell(string text, string[] expected)
    {
        Assert.Equal(expected, CommandLine.Split(text));
    }

    [Theory]
    [InlineData("/bin/echo 'open", "Unterminated single quote")]
    [InlineData("/bin/echo \"open", "Unterminated double quote")]
    [InlineData("/bin/echo \\", "ends with a backslash")]
    [InlineData("   ", "names no program")]
    [InlineData("''", "names no program")]
    public void Rejects_malformed_commands(string text, string message)
    {
        var ex = Assert.Throws<FormatException>(() => CommandLine.Split(text));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }
}
