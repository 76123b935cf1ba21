namespace Vrrp.Hosting;

/// <summary>A notify FIFO (<c>notify_fifo PATH [USER [GROUP]]</c> and <c>notify_fifo_script COMMAND [USER [GROUP]]</c>).</summary>
public sealed class VrrpNotifyFifoOptions
{
    /// <summary>The FIFO's path; it is created when missing.</summary>
    public string Path { get; set; } = "";

    /// <summary>The owner of a FIFO that is created, or null for the process's user.</summary>
    public string? User { get; set; }

    /// <summary>The group of a FIFO that is created, or null for the user's own group.</summary>
    public string? Group { get; set; }

    /// <summary>A command started to read the FIFO (<c>notify_fifo_script</c>), or null.</summary>
    public string? Script { get; set; }

    /// <summary>The user <see cref="Script"/> runs as, or null for <see cref="VrrpOptions.ScriptUser"/>.</summary>
    public string? ScriptUser { get; set; }

    /// <summary>The group of <see cref="ScriptUser"/>, or null for the user's own group.</summary>
    public string? ScriptGroup { get; set; }
}
