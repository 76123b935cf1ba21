using System.Globalization;

namespace Vrrp.Benchmarks.Flood;

/// <summary>"--name value" pairs; a name may repeat (GetAll).</summary>
internal sealed class Arguments
{
    private readonly List<(string Name, string Value)> _pairs = [];

    public static Arguments Parse(string[] args)
    {
        var parsed = new Arguments();
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new FormatException($"expected --name value, got '{args[i]}'");
            }

            parsed._pairs.Add((args[i][2..], args[++i]));
        }

        return parsed;
    }

    public string Get(string name, string fallback) => _pairs.LastOrDefault(p => p.Name == name).Value ?? fallback;

    public string Require(string name) => _pairs.LastOrDefault(p => p.Name == name).Value ?? throw new FormatException($"--{name} is required");

    public int GetInt(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    public IEnumerable<string> GetAll(string name) => _pairs.Where(p => p.Name == name).Select(p => p.Value);
}
