using Vrrp.Linux.Interop;
using Vrrp.Linux.Netlink;

namespace Vrrp.Linux.Nftables;

/// <summary>
/// An nf_tables client over a NETLINK_NETFILTER socket: commits <see cref="NfTablesBatch"/> transactions and checks
/// every acknowledgement by sequence number, and asks whether a table exists. A refusal is a
/// <see cref="NetlinkException"/> naming the message that failed, with the errno and the kernel's extended-ack text; a
/// kernel without nf_tables (or without its inet family) is a <see cref="PlatformNotSupportedException"/> that says
/// what is missing.
/// </summary>
/// <remarks>
/// The kernel processes a whole batch before it answers, and answers every message that asked for an acknowledgement
/// (its errors after the whole batch, so a replayed batch does not report twice); a batch it cannot start at all
/// (no nf_tables subsystem, out of memory) is refused with one error on the begin message. Anything else that arrives
/// (other sequence numbers or port ids, truncated or malformed messages) is skipped; every receive is bounded by the
/// transport (5 s on a real socket). Calls are serialised by a lock.
/// </remarks>
internal sealed class NfTablesClient : IDisposable
{
    internal const string Subsystem = "nf_tables";

    private readonly INetlinkTransport _transport;
    private readonly byte[] _receiveBuffer = new byte[64 * 1024];
    private readonly byte[] _requestBuffer = new byte[1024];
    private readonly Lock _lock = new();
    private uint _sequence;

    /// <summary>Creates a client over a transport (a real socket, or a test's fake kernel).</summary>
    internal NfTablesClient(INetlinkTransport transport, string? networkNamespace = null, uint? firstSequence = null)
    {
        _transport = transport;
        NetworkNamespace = networkNamespace;
        _sequence = firstSequence ?? (uint)Environment.TickCount;
    }

    /// <summary>The network namespace the socket lives in (null: the process's own).</summary>
    internal string? NetworkNamespace { get; }

    /// <summary>Opens a NETLINK_NETFILTER socket in a network namespace (null: the current one).</summary>
    /// <exception cref="PlatformNotSupportedException">The kernel has no netfilter netlink.</exception>
    /// <exception cref="NetlinkException">Another failure to open the socket.</exception>
    internal static NfTablesClient Open(string? networkNamespace)
    {
        try
        {
            return new NfTablesClient(NetlinkSocket.OpenNetfilter(networkNamespace), networkNamespace);
        }
        catch (NetlinkException ex) when (ex.Errno is Libc.EPROTONOSUPPORT or Libc.EAFNOSUPPORT)
        {
            throw NoNetfilterNetlink(ex, networkNamespace);
        }
    }

    /// <summary>The error for a kernel that cannot open a NETLINK_NETFILTER socket.</summary>
    internal static PlatformNotSupportedException NoNetfilterNetlink(NetlinkException ex, string? networkNamespace) =>
        new(
            $"The kernel{Where(networkNamespace)} has no netfilter netlink (socket(AF_NETLINK, NETLINK_NETFILTER) failed with " +
            $"errno {ex.Errno}): nf_tables cannot be used. It needs CONFIG_NETFILTER_NETLINK and CONFIG_NF_TABLES " +
            "(modules nfnetlink and nf_tables).",
            ex);

    /// <summary>Commits a batch: the kernel applies all of it or nothing.</summary>
    /// <param name="batch">The messages.</param>
    /// <param name="tolerated">Errnos that count as success; when one comes back, nothing of the batch was applied.</param>
    /// <returns>0, or the tolerated errno of the first message that failed.</returns>
    /// <exception cref="NetlinkException">A message was refused (the first refusal is reported), or no answer came.</exception>
    /// <exception cref="PlatformNotSupportedException">The kernel has no nf_tables, or no inet family.</exception>
    internal int Commit(NfTablesBatch batch, params ReadOnlySpan<int> tolerated)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return 0;
        }

        lock (_lock)
        {
            uint first = _sequence;
            _sequence = unchecked(_sequence + (uint)batch.Count + 2);
            string what = batch.Count == 1 ? batch[0].Operation : $"{batch[0].Operation} (and {batch.Count - 1} more in one transaction)";
            _transport.Send(batch.Seal(first), what + Where(NetworkNamespace));

            var acknowledged = new bool[batch.Count];
            int pending = batch.Count;
            (int Index, int Errno, string? Text)? failure = null;
            while (pending > 0)
            {
                int received = _transport.Receive(_receiveBuffer, what + Where(NetworkNamespace));
                var reader = new NetlinkMessageReader(_receiveBuffer.AsSpan(0, Math.Clamp(received, 0, _receiveBuffer.Length)));
                while (reader.TryRead(out var message))
                {
                    if (message.Type != Nl.NLMSG_ERROR || message.PortId != _transport.PortId)
                    {
                        continue;
                    }

                    if (message.Sequence == first)
                    {
                        // The batch as a whole was refused before any message was looked at.
                        int errno = Normalise(NetlinkSocket.ReadError(message, out string? text));
                        throw BatchRefused(batch, errno == 0 ? Libc.EINVAL : errno, text);
                    }

                    uint index = unchecked(message.Sequence - first - 1);
                    if (index >= (uint)batch.Count || acknowledged[index])
                    {
                        continue; // a stale answer to an earlier, abandoned request, or a duplicate
                    }

                    acknowledged[index] = true;
                    pending--;
                    int code = Normalise(NetlinkSocket.ReadError(message, out string? kernelText));
                    if (code != 0 && (failure is null || index < failure.Value.Index))
                    {
                        failure = ((int)index, code, kernelText);
                    }
                }
            }

            if (failure is not { } f)
            {
                return 0;
            }

            if (tolerated.Contains(f.Errno))
            {
                return f.Errno;
            }

            throw MessageRefused(batch[f.Index], f.Errno, f.Text, NetworkNamespace);
        }
    }

    /// <summary>NFT_MSG_GETTABLE: whether a table of this family and name exists.</summary>
    /// <exception cref="NetlinkException">The kernel answered another error than ENOENT, or did not answer.</exception>
    internal bool TableExists(byte family, string name)
    {
        string operation = $"look up table {FamilyName(family)} {name}{Where(NetworkNamespace)}";
        lock (_lock)
        {
            uint sequence = _sequence++;
            var writer = new NetlinkMessageWriter(_requestBuffer, Nft.MessageType(Nft.NFT_MSG_GETTABLE), Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, sequence);
            writer.WriteNfGen(family, 0);
            writer.AddString(Nft.NFTA_TABLE_NAME, name);
            _transport.Send(writer.Finish(), operation);
            bool found = false;
            while (true)
            {
                int received = _transport.Receive(_receiveBuffer, operation);
                var reader = new NetlinkMessageReader(_receiveBuffer.AsSpan(0, Math.Clamp(received, 0, _receiveBuffer.Length)));
                while (reader.TryRead(out var message))
                {
                    if (message.Sequence != sequence || message.PortId != _transport.PortId)
                    {
                        continue;
                    }

                    if (message.Type == Nft.MessageType(Nft.NFT_MSG_NEWTABLE))
                    {
                        found = true;
                    }
                    else if (message.Type == Nl.NLMSG_ERROR)
                    {
                        int errno = Normalise(NetlinkSocket.ReadError(message, out string? text));
                        return errno switch
                        {
                            0 => found,
                            Libc.ENOENT => false,
                            _ => throw new NetlinkException(Subsystem, operation, errno, text),
                        };
                    }
                }
            }
        }
    }

    /// <summary>The family as nft names it.</summary>
    internal static string FamilyName(byte family) => family switch
    {
        Nft.NFPROTO_INET => "inet",
        Nft.NFPROTO_IPV4 => "ip",
        Nft.NFPROTO_IPV6 => "ip6",
        _ => $"family {family}",
    };

    /// <summary>The exception for a message the kernel refused; missing kernel support becomes a clear platform error.</summary>
    internal static Exception MessageRefused(BatchMessage message, int errno, string? text, string? networkNamespace = null)
    {
        var refusal = new NetlinkException(Subsystem, message.Operation + Where(networkNamespace), errno, text);
        if (message.Type == Nft.NFT_MSG_NEWTABLE && errno is Libc.EAFNOSUPPORT or Libc.EOPNOTSUPP)
        {
            return new PlatformNotSupportedException(
                $"The kernel's nf_tables{Where(networkNamespace)} has no {FamilyName(message.Family)} family: creating a table of " +
                $"that family failed with errno {errno}{(text is null ? "" : $" ({text})")}. It needs CONFIG_NF_TABLES_INET " +
                "(module nf_tables_inet on kernels before 4.17).",
                refusal);
        }

        return refusal;
    }

    private Exception BatchRefused(NfTablesBatch batch, int errno, string? text)
    {
        string operation = $"begin a transaction for {batch[0].Operation}{Where(NetworkNamespace)}";
        var refusal = new NetlinkException(Subsystem, operation, errno, text);
        if (errno is Libc.EOPNOTSUPP or Libc.ENOENT or Libc.EPROTONOSUPPORT)
        {
            return new PlatformNotSupportedException(
                $"The kernel{Where(NetworkNamespace)} has no nf_tables: netfilter netlink refused a transaction for its " +
                $"subsystem NFNL_SUBSYS_NFTABLES with errno {errno}{(text is null ? "" : $" ({text})")}. It needs " +
                "CONFIG_NF_TABLES (module nf_tables).",
                refusal);
        }

        return refusal;
    }

    /// <summary>A hostile or broken answer can carry a positive "negative errno": count it as EINVAL, never as success.</summary>
    private static int Normalise(int errno) => errno < 0 ? Libc.EINVAL : errno;

    private static string Where(string? networkNamespace) => networkNamespace is null ? "" : $" in network namespace '{networkNamespace}'";

    /// <inheritdoc />
    public void Dispose() => _transport.Dispose();
}
