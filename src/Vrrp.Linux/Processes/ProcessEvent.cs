namespace Vrrp.Linux.Processes;

/// <summary>The kinds of process connector event the tracker reads (linux/cn_proc.h <c>enum what</c>).</summary>
internal enum ProcessEventKind
{
    /// <summary>An event of a kind the tracker does not need (uid, gid, sid, ptrace, coredump, or a new one).</summary>
    Other,

    /// <summary>PROC_EVENT_NONE: the kernel's answer to a listen or ignore request.</summary>
    Acknowledgement,

    /// <summary>PROC_EVENT_FORK: a new process or thread.</summary>
    Fork,

    /// <summary>PROC_EVENT_EXEC: a process replaced its program (its name and command line changed).</summary>
    Exec,

    /// <summary>PROC_EVENT_COMM: a thread renamed itself (prctl PR_SET_NAME, or a write to /proc/PID/comm).</summary>
    Comm,

    /// <summary>PROC_EVENT_EXIT: a thread or process ended (sent when it exits, before its parent reaps it).</summary>
    Exit,
}

/// <summary>
/// One process connector event. The kernel's "pid" is a thread id and its "tgid" the process id; the tracker only
/// acts on whole processes (events where the two are equal, or a fork whose child is a thread group leader).
/// </summary>
internal readonly struct ProcessEvent
{
    /// <summary>What happened.</summary>
    public ProcessEventKind Kind { get; init; }

    /// <summary>The raw <c>what</c> value (for <see cref="ProcessEventKind.Other"/>).</summary>
    public uint What { get; init; }

    /// <summary>The CPU the event was raised on (all ones in acknowledgements).</summary>
    public uint Cpu { get; init; }

    /// <summary>The connector sequence number (per CPU, counts every event the kernel sends).</summary>
    public uint Sequence { get; init; }

    /// <summary>The connector acknowledgement number: 0 in events, the request's number plus one in answers.</summary>
    public uint AcknowledgementNumber { get; init; }

    /// <summary>The errno of an acknowledgement (0: accepted).</summary>
    public int Error { get; init; }

    /// <summary>The thread id the event is about (exec, comm, exit), or the child's (fork).</summary>
    public int ThreadId { get; init; }

    /// <summary>The process id the event is about (exec, comm, exit), or the child's (fork).</summary>
    public int ProcessId { get; init; }

    /// <summary>The parent's thread id (fork).</summary>
    public int ParentThreadId { get; init; }

    /// <summary>The parent's process id (fork).</summary>
    public int ParentProcessId { get; init; }

    /// <summary>The new name (comm), without its terminating NUL; empty for other kinds.</summary>
    public ReadOnlyMemory<byte> Comm { get; init; }

    /// <summary>True when the event is about a whole process rather than one of its other threads.</summary>
    public bool IsProcess => ThreadId == ProcessId;
}
