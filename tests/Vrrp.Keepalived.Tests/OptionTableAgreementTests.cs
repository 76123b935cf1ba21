using Vrrp.Hosting;

namespace Vrrp.Keepalived.Tests;

/// <summary>
/// The option table of Vrrp.Hosting (configuration keys, keepalived keywords, ranges: OptionFields) and the keyword
/// table of the keepalived.conf reader (KeywordTable) describe the same options from two sides. Both take their ranges
/// from <see cref="VrrpLimits"/>; these tests say where they drift apart.
/// </summary>
public class OptionTableAgreementTests
{
    public static TheoryData<string, string, string> KeywordsOfTheOptionTable()
    {
        var data = new TheoryData<string, string, string>();
        void Add<T>(OptionField<T>[] fields, string block, Func<string, bool> known)
        {
            foreach (var field in fields.Where(f => f.Keyword is not null))
            {
                // "mcast_src_ip / unicast_src_ip", "accept / no_accept", "use_vmac NAME": each first word is a keyword.
                foreach (string keyword in field.Keyword!.Split(" / ").Select(k => k.Split(' ')[0]))
                {
                    data.Add(block, $"{typeof(T).Name}.{field.Name}", keyword);
                }
            }
        }

        Add(OptionFields.Root, "global", static _ => true);
        Add(OptionFields.Instance, "instance", static _ => true);
        Add(OptionFields.Script, "script", static _ => true);
        Add(OptionFields.TrackFile, "track_file", static _ => true);
        Add(OptionFields.SyncGroup, "sync_group", static _ => true);
        Add(OptionFields.TrackProcess, "track_process", static _ => true);
        Add(OptionFields.GarpGroup, "garp_group", static _ => true);
        return data;
    }

    [Theory]
    [MemberData(nameof(KeywordsOfTheOptionTable))]
    public void Every_keyword_the_option_table_names_is_one_the_reader_knows_in_that_block(string block, string option, string keyword)
    {
        bool known = block switch
        {
            // The top level names its blocks (vrrp_instance...) and global_defs its settings.
            "global" => KeywordTable.TopLevel.TryGet(keyword, out _) || KeywordTable.Global.TryGet(keyword, out _),
            "instance" => KeywordTable.Instance.TryGet(keyword, out _) || KeywordTable.Authentication.TryGet(keyword, out _) || keyword == "vrrp_instance",
            "script" => KeywordTable.Script.TryGet(keyword, out _) || keyword is "vrrp_script" or "weight",
            "track_file" => KeywordTable.TrackFile.TryGet(keyword, out _) || keyword is "vrrp_track_file" or "weight",
            "sync_group" => KeywordTable.SyncGroup.TryGet(keyword, out _) || keyword == "vrrp_sync_group",
            "track_process" => KeywordTable.TrackProcess.TryGet(keyword, out _) || keyword == "vrrp_track_process",
            "garp_group" => KeywordTable.GarpGroup.TryGet(keyword, out _),
            _ => false,
        };
        Assert.True(known, $"{option} names the keepalived keyword '{keyword}', which the keyword table of {block} does not know: fix the name in OptionFields or add the row to KeywordTable");
    }

    public static TheoryData<string, int, int> RangesOfInstanceKeywords()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var field in OptionFields.Instance.Where(f => f is { Range: not null, Keyword: not null } && KeywordTable.Instance.TryGet(f.Keyword, out _)))
        {
            data.Add(field.Keyword!, field.Range!.Value.Min, field.Range.Value.Max);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RangesOfInstanceKeywords))]
    public void The_reader_takes_the_ends_of_the_option_tables_range_and_the_validator_takes_what_the_reader_gives(string keyword, int min, int max)
    {
        foreach (long value in new long[] { min, max })
        {
            var result = KeepalivedConfigReader.ReadText(Instance($"{keyword} {value}"));
            Assert.False(result.HasErrors, $"{keyword} {value}: {string.Join("\n", result.Errors)}");
            var validation = new VrrpOptionsValidator().Validate(null, result.Options);
            Assert.True(validation.Succeeded, $"{keyword} {value}: {validation.FailureMessage}");
        }

        if (max < int.MaxValue)
        {
            var above = KeepalivedConfigReader.ReadText(Instance($"{keyword} {max + 1L}"));
            Assert.True(above.HasErrors, $"{keyword} {max + 1L} is above the option table's range but the reader takes it");
        }
    }

    private static string Instance(string line) => $$"""
        global_defs {
            vrrpd_ignore_unsupported
        }
        vrrp_instance VI_1 {
            interface lo
            virtual_router_id 7
            priority 100
            advert_int 1
            unicast_peer {
                192.0.2.2
            }
            {{line}}
            virtual_ipaddress {
                192.0.2.1
            }
        }
        """;
}
