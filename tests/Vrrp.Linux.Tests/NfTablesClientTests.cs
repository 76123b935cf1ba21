using System.Buffers.Binary;
using Vrrp.Linux.Netlink;
using Vrrp.Linux.Nftables;

namespace Vrrp.Linux.Tests;

/// <summary>
/// The nf_tables client against a fake kernel (no privileges): acknowledgements matched by sequence number, the first
/// refusal reported with its operation, errno and extended-ack text, missing kernel support as a clear platform error,
/// and hostile or truncated answers that never crash it and never hang it.
/// </summary>
public sealed class NfTablesClientTests
{
    private static NfTablesBatch ThreeTables()
    {
        var batch = new NfTablesBatch();
        foreach (string name in (string[])["a", "b", "c"])
        {
            batch.Add(Nft.NFT_MSG_NEWTABLE, Nl.NLM_F_CREATE, Nft.NFPROTO_INET, (ref NetlinkMessageWriter w) => w.AddString(Nft.NFTA_TABLE_NAME, name), $"create table inet {name}");
        }

        return batch;
    }

    [Fact]
    public void Commits_when_every_message_is_acknowledged()
    {
        var kernel = new FakeNetfilterKernel();
        using var client = new NfTablesClient(kernel, firstSequence: 100);
        Assert.Equal(0, client.Commit(ThreeTables()));
        Assert.Equal([(Nft.NFPROTO_INET, "a"), (Nft.NFPROTO_INET, "b"), (Nft.NFPROTO_INET, "c")], kernel.Tables.Order());
        Assert.Equal([100u, 101, 102, 103, 104], kernel.Messages.Select(m => m.Sequence));

        // The next batch takes the next numbers.
        Assert.Equal(0, client.Commit(ThreeTables()));
        Assert.Equal(105u, kernel.Messages[5].Sequence);
    }

    [Fact]
    public void Acks_out_of_order_split_over_datagrams_and_mixed_with_stale_and_foreign_ones_are_matched()
    {
        var kernel = new FakeNetfilterKernel { Answers = false };
        using var client = new NfTablesClient(kernel, firstSequence: 10);
        kernel.Enqueue([.. FakeNetfilterKernel.Error(9, 4242, 1), .. FakeNetfilterKernel.Error(13, 4242, 0)]); // stale error; ack of c
        kernel.Enqueue(FakeNetfilterKernel.Error(11, 999, 22));                                                 // another socket's
        kernel.Enqueue([.. FakeNetfilterKernel.Error(12, 4242, 0), .. FakeNetfilterKernel.Error(12, 4242, 1)]); // b, then a duplicate
        kernel.Enqueue(FakeNetfilterKernel.Error(14, 4242, 1));                                                 // the end message's: not asked
        kernel.Enqueue(FakeNetfilterKernel.Error(11, 4242, 0));                                                 // a
        Assert.Equal(0, client.Commit(ThreeTables()));
    }

    [Fact]
    public void The_first_refused_message_is_reported_with_its_operation_errno_and_kernel_text()
    {
        var kernel = new FakeNetfilterKernel
        {
            Refuse = m => m.String(Nft.NFTA_TABLE_NAME) switch
            {
                "b" => (22, "Invalid argument for b"),
                "c" => (1, null),
                _ => null,
            },
        };
        using var client = new NfTablesClient(kernel, "ns1");
        var ex = Assert.Throws<NetlinkException>(() => client.Commit(ThreeTables()));
        Assert.Equal(22, ex.Errno);
        Assert.Equal("create table inet b in network namespace 'ns1'", ex.Operation);
        Assert.Equal("Invalid argument for b", ex.KernelMessage);
        Assert.StartsWith("nf_tables: create table inet b", ex.Message);
        Assert.Empty(kernel.Tables); // all or nothing
    }

    [Fact]
    public void A_tolerated_errno_is_returned_and_nothing_is_applied()
    {
        var kernel = new FakeNetfilterKernel { Refuse = m => m.String(Nft.NFTA_TABLE_NAME) == "a" ? (2, null) : null };
        using var client = new NfTablesClient(kernel);
        Assert.Equal(2, client.Commit(ThreeTables(), 2));
        Assert.Empty(kernel.Tables);
        Assert.Equal(0, client.Commit(new NfTablesBatch())); // an empty batch sends nothing
        Assert.Single(kernel.Sent);
    }

    [Theory]
    [InlineData(95)] // EOPNOTSUPP: no nf_tables subsystem
    [InlineData(2)]
    public void A_kernel_without_nf_tables_is_a_platform_error_naming_it(int errno)
    {
        var kernel = new FakeNetfilterKernel { RefuseBatch = errno };
        using var client = new NfTablesClient(kernel);
        var ex = Assert.Throws<PlatformNotSupportedException>(() => client.Commit(ThreeTables()));
        Assert.Contains("has no nf_tables", ex.Message);
        Assert.Contains("CONFIG_NF_TABLES", ex.Message);
        Assert.Equal(errno, Assert.IsType<NetlinkException>(ex.InnerException).Errno);
    }

    [Fact]
    public void Another_refusal_of_the_whole_batch_is_a_netlink_error()
    {
        var kernel = new FakeNetfilterKernel { RefuseBatch = 12 }; // ENOMEM
        using var client = new NfTablesClient(kernel);
        var ex = Assert.Throws<NetlinkException>(() => client.Commit(ThreeTables()));
        Assert.Equal(12, ex.Errno);
        Assert.Contains("begin a transaction for create table inet a", ex.Operation);
    }

    [Theory]
    [InlineData(97)] // EAFNOSUPPORT (kernels before 4.17 without nf_tables_inet)
    [InlineData(95)] // EOPNOTSUPP (later kernels for a family they lack)
    public void A_kernel_without_the_inet_family_is_a_platform_error_naming_it(int errno)
    {
        var kernel = new FakeNetfilterKernel { Refuse = m => m.NfType == Nft.NFT_MSG_NEWTABLE ? (errno, "family not supported") : null };
        using var client = new NfTablesClient(kernel);
        var ex = Assert.Throws<PlatformNotSupportedException>(() => client.Commit(ThreeTables()));
        Assert.Contains("has no inet family", ex.Message);
        Assert.Contains("CONFIG_NF_TABLES_INET", ex.Message);
        Assert.Contains("family not supported", ex.Message);
    }

    [Fact]
    public void A_kernel_without_netfilter_netlink_is_a_platform_error_naming_it()
    {
        var ex = NfTablesClient.NoNetfilterNetlink(new NetlinkException("open a netfilter netlink socket", 93, null), "ns1");
        Assert.Contains("NETLINK_NETFILTER", ex.Message);
        Assert.Contains("CONFIG_NETFILTER_NETLINK", ex.Message);
        Assert.Contains("'ns1'", ex.Message);
    }

    [Fact]
    public void Silence_after_part_of_the_answers_ends_in_a_bounded_error()
    {
        var kernel = new FakeNetfilterKernel { Answers = false };
        using var client = new NfTablesClient(kernel, firstSequence: 10);
        kernel.Enqueue(FakeNetfilterKernel.Error(11, 4242, 0));
        var ex = Assert.Throws<NetlinkException>(() => client.Commit(ThreeTables()));
        Assert.Equal(11, ex.Errno); // EAGAIN: the transport's receive timed out
        Assert.Contains("no answer", ex.Message);
    }

    [Fact]
    public void Table_lookup_answers_yes_no_or_the_error()
    {
        var kernel = new FakeNetfilterKernel();
        using var client = new NfTablesClient(kernel);
        Assert.False(client.TableExists(Nft.NFPROTO_INET, "vrrp"));
        kernel.Tables.Add((Nft.NFPROTO_INET, "vrrp"));
        Assert.True(client.TableExists(Nft.NFPROTO_INET, "vrrp"));
        Assert.False(client.TableExists(Nft.NFPROTO_IPV4, "vrrp"));
        var get = kernel.Messages[^1];
        Assert.Equal((Nft.MessageType(Nft.NFT_MSG_GETTABLE), (ushort)(Nl.NLM_F_REQUEST | Nl.NLM_F_ACK), "vrrp"), (get.Type, get.Flags, get.String(Nft.NFTA_TABLE_NAME)));

        kernel.Refuse = _ => (1, "Operation not permitted");
        var ex = Assert.Throws<NetlinkException>(() => client.TableExists(Nft.NFPROTO_INET, "vrrp"));
        Assert.Equal((1, "look up table inet vrrp"), (ex.Errno, ex.Operation));
    }

    [Fact]
    public void Every_truncated_answer_is_survived()
    {
        byte[] ack = FakeNetfilterKernel.Error(11, 4242, 22, "some text from the kernel");
        for (int i = 0; i <= ack.Length; i++)
        {
            var kernel = new FakeNetfilterKernel { Answers = false };
            using var client = new NfTablesClient(kernel, firstSequence: 10);
            kernel.Enqueue(ack[..i]);
            var batch = new NfTablesBatch();
            batch.Add(Nft.NFT_MSG_DELTABLE, 0, Nft.NFPROTO_INET, (ref NetlinkMessageWriter w) => w.AddString(Nft.NFTA_TABLE_NAME, "t"), "delete table inet t");
            var ex = Assert.Throws<NetlinkException>(() => client.Commit(batch));
            // The whole answer is the refusal; anything shorter is no answer at all (the message is cut), or one whose
            // text or errno is lost (the errno of a payload too short to hold it counts as EINVAL, never as success).
            Assert.True(ex.Errno is 22 or 11, $"prefix {i}: errno {ex.Errno}");
            if (i == ack.Length)
            {
                Assert.Equal("some text from the kernel", ex.KernelMessage);
            }
        }
    }

    [Fact]
    public void Hostile_answers_never_crash_and_never_count_as_success_unless_they_are_acks()
    {
        int seed = Random.Shared.Next();
        var random = new Random(seed);
        for (int round = 0; round < 5_000; round++)
        {
            var kernel = new FakeNetfilterKernel { Answers = false };
            using var client = new NfTablesClient(kernel, firstSequence: 10);
            int datagrams = random.Next(1, 4);
            for (int d = 0; d < datagrams; d++)
            {
                byte[] noisy;
                if (random.Next(2) == 0)
                {
                    // A real answer for one of the messages (or the batch), with a byte or two changed.
                    noisy = FakeNetfilterKernel.Error((uint)random.Next(9, 16), 4242, random.Next(3) == 0 ? 0 : random.Next(1, 130), random.Next(2) == 0 ? "text" : null);
                    for (int k = random.Next(0, 3); k > 0; k--)
                    {
                        noisy[random.Next(noisy.Length)] = (byte)random.Next(256);
                    }
                }
                else
                {
                    noisy = new byte[random.Next(0, 80)];
                    random.NextBytes(noisy);
                    if (noisy.Length >= 16)
                    {
                        BinaryPrimitives.WriteUInt32LittleEndian(noisy, (uint)random.Next(0, noisy.Length + 8));
                        BinaryPrimitives.WriteUInt16LittleEndian(noisy.AsSpan(4), (ushort)random.Next(0, 4));
                        BinaryPrimitives.WriteUInt32LittleEndian(noisy.AsSpan(8), (uint)random.Next(9, 16));
                        BinaryPrimitives.WriteUInt32LittleEndian(noisy.AsSpan(12), 4242);
                    }
                }

                kernel.Enqueue(noisy);
            }

            try
            {
                client.Commit(ThreeTables());
                // Success is only possible when three acks with errno 0 came for 11, 12 and 13.
                var acks = kernel.Sent.Count == 1 ? CountZeroAcks(kernel) : 0;
                Assert.True(acks >= 3, $"seed {seed}, round {round}: success without three acks");
            }
            catch (Exception ex) when (ex is NetlinkException { Errno: > 0 } or PlatformNotSupportedException)
            {
            }
            catch (Exception ex)
            {
                Assert.Fail($"seed {seed}, round {round}: {ex}");
            }
        }
    }

    /// <summary>How many distinct messages 11..13 were acknowledged with 0 in what was queued (read back from the fake's log).</summary>
    private static int CountZeroAcks(FakeNetfilterKernel kernel) => kernel.ReceivedAcks.Where(a => a.Errno == 0 && a.Sequence is >= 11 and <= 13).Select(a => a.Sequence).Distinct().Count();
}
