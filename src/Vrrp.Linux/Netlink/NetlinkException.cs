namespace Vrrp.Linux;

/// <summary>
/// The kernel refused a netlink request (rtnetlink, or nf_tables for the accept-mode filter). Carries the operation,
/// the errno and the kernel's extended-ack text.
/// </summary>
public sealed class NetlinkException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="operation">What was asked, in words (for example <c>add address 10.0.0.5/32 to eth0</c>).</param>
    /// <param name="errno">The positive errno the kernel answered.</param>
    /// <param name="kernelMessage">The extended-ack message, or null when the kernel gave none.</param>
    public NetlinkException(string operation, int errno, string? kernelMessage)
        : this("rtnetlink", operation, errno, kernelMessage)
    {
    }

    /// <summary>Creates the exception for another netlink family (<c>nf_tables</c>) than rtnetlink.</summary>
    internal NetlinkException(string subsystem, string operation, int errno, string? kernelMessage)
        : base(Describe(subsystem, operation, errno, kernelMessage))
    {
        Operation = operation;
        Errno = errno;
        KernelMessage = kernelMessage;
        HResult = errno;
    }

    /// <summary>What was asked, in words.</summary>
    public string Operation { get; }

    /// <summary>The positive errno (for example 19 ENODEV).</summary>
    public int Errno { get; }

    /// <summary>The kernel's extended-ack message (NETLINK_EXT_ACK), or null.</summary>
    public string? KernelMessage { get; }

    private static string Describe(string subsystem, string operation, int errno, string? kernelMessage)
    {
        string text = $"{subsystem}: {operation} failed: errno {errno} ({System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)})";
        return kernelMessage is null ? text + "." : $"{text}: {kernelMessage}.";
    }
}
