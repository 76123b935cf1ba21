namespace Vrrp.Keepalived;

/// <summary>
/// Groups token lines into statements and <c>{ ... }</c> blocks. A statement is the words of a line up to a brace;
/// <c>{</c> opens a block on the statement before it (on the same line, or alone on the next line); <c>}</c> closes
/// the innermost block. Unbalanced braces are errors.
/// </summary>
internal static class ConfigTreeBuilder
{
    public static List<ConfigStatement> Build(IReadOnlyList<ConfigLine> lines, DiagnosticList diagnostics)
    {
        var root = new List<ConfigStatement>();
        var stack = new Stack<(ConfigStatement? Owner, List<ConfigStatement> Children)>();
        stack.Push((null, root));
        foreach (var line in lines)
        {
            var words = new List<ConfigToken>();
            bool statementOnThisLine = false;
            foreach (var token in line.Tokens)
            {
                if (token.IsOpenBrace)
                {
                    var children = stack.Peek().Children;
                    ConfigStatement owner;
                    if (words.Count > 0)
                    {
                        owner = Flush(words, children);
                    }
                    else if (!statementOnThisLine && children.Count > 0 && children[^1].Block is null)
                    {
                        // "vrrp_instance VI_1" with "{" alone on the next line.
                        owner = children[^1];
                    }
                    else
                    {
                        diagnostics.Error(token.Location, "'{' without a block name before it");
                        owner = new ConfigStatement(token, []);
                    }

                    owner.Block = [];
                    stack.Push((owner, owner.Block));
                    statementOnThisLine = false;
                }
                else if (token.IsCloseBrace)
                {
                    if (words.Count > 0)
                    {
                        Flush(words, stack.Peek().Children);
                    }

                    if (stack.Count == 1)
                    {
                        diagnostics.Error(token.Location, "unbalanced '}': no block is open");
                    }
                    else
                    {
                        stack.Pop();
                    }

                    statementOnThisLine = false;
                }
                else
                {
                    words.Add(token);
                }
            }

            if (words.Count > 0)
            {
                Flush(words, stack.Peek().Children);
                statementOnThisLine = true;
            }
        }

        while (stack.Count > 1)
        {
            var (owner, _) = stack.Pop();
            diagnostics.Error(owner!.Location, $"'{owner.Text}' block is not closed: expected '}}' before the end of the configuration");
        }

        return root;

        static ConfigStatement Flush(List<ConfigToken> words, List<ConfigStatement> into)
        {
            var statement = new ConfigStatement(words[0], words.Skip(1).ToArray());
            into.Add(statement);
            words.Clear();
            return statement;
        }
    }
}
