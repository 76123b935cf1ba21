using System.Globalization;
using System.Runtime.InteropServices;

namespace Vrrp.Hosting;

/// <summary>
/// Who a script runs as: keepalived's <c>USER [GROUP]</c> after a notify command, <c>user</c> in a
/// <c>vrrp_script</c>, or <c>script_user</c> in <c>global_defs</c>; without any, <c>keepalived_script</c> when that
/// user exists, else this process's user (keepalived 2.2.7's rule).
/// </summary>
/// <param name="User">The user name, or null for this process's user.</param>
/// <param name="Uid">The user id.</param>
/// <param name="Gid">The group id the script runs with.</param>
/// <param name="UserGid">The user's own (primary) group id.</param>
internal sealed record ScriptIdentity(string? User, uint Uid, uint Gid, uint UserGid)
{
    /// <summary>keepalived's default script user.</summary>
    public const string DefaultUser = "keepalived_script";

    /// <summary>This process's user and group.</summary>
    public static ScriptIdentity Current { get; } = OperatingSystem.IsWindows() ? new(null, 0, 0, 0) : new(null, Interop.GetEuid(), Interop.GetEgid(), Interop.GetEgid());

    /// <summary>True when the script runs as this process (no change of user needed).</summary>
    public bool IsCurrent => Uid == Current.Uid && Gid == Current.Gid;

    /// <summary>uid:gid, as keepalived prints it.</summary>
    public override string ToString() => $"{Uid.ToString(CultureInfo.InvariantCulture)}:{Gid.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Resolves <c>USER [GROUP]</c>, the global <c>script_user</c> when the script names none, else keepalived's default.
    /// </summary>
    /// <returns>Null with <paramref name="error"/> in keepalived's words when a named user or group does not exist.</returns>
    public static ScriptIdentity? Resolve(string? user, string? group, string? globalUser, string? globalGroup, bool scriptSecurity, out string? error)
    {
        error = null;
        if (!string.IsNullOrEmpty(user))
        {
            return Lookup(user, group, out error);
        }

        if (!string.IsNullOrEmpty(globalUser))
        {
            return Lookup(globalUser, globalGroup, out error);
        }

        if (Lookup(DefaultUser, null, out _) is { } byDefault)
        {
            return byDefault;
        }

        // With script security on, keepalived will not fall back to its own user (root) silently.
        if (scriptSecurity)
        {
            error = $"Unable to set default user {DefaultUser} for script (set script_user, or name a user after the script)";
            return null;
        }

        return Current;
    }

    /// <summary>A user (and group) by name; null with keepalived's message when either does not exist.</summary>
    public static unsafe ScriptIdentity? Lookup(string user, string? group, out string? error)
    {
        error = null;
        if (OperatingSystem.IsWindows())
        {
            error = "Running scripts as another user is supported on Linux only";
            return null;
        }

        const int Size = 16384;
        byte* buffer = stackalloc byte[Size];
        Interop.Passwd entry;
        Interop.Passwd* found;
        if (Interop.GetPwNam(user, &entry, buffer, Size, &found) != 0 || found is null)
        {
            error = $"Script user '{user}' does not exist";
            return null;
        }

        uint uid = entry.Uid;
        uint userGid = entry.Gid;
        uint gid = userGid;
        if (!string.IsNullOrEmpty(group))
        {
            Interop.Group groupEntry;
            Interop.Group* groupFound;
            if (Interop.GetGrNam(group, &groupEntry, buffer, Size, &groupFound) != 0 || groupFound is null)
            {
                error = $"Script group '{group}' does not exist";
                return null;
            }

            gid = groupEntry.Gid;
        }

        return new ScriptIdentity(user, uid, gid, userGid);
    }

    /// <summary>
    /// True when the group is not the user's own: .NET starts a process as another user with that user's own groups
    /// only, so such a script is started through <see cref="VrrpScriptLauncher"/>.
    /// </summary>
    public bool NeedsLauncher => Gid != UserGid && !IsCurrent;

    /// <summary>Why this identity cannot be given to a process here (a group not the user's own, without the launcher), or null.</summary>
    public string? Unsupported(string? group) =>
        NeedsLauncher && !VrrpScriptLauncher.IsAvailable
            ? $"group '{group}' is not user '{User}''s own group ({UserGid.ToString(CultureInfo.InvariantCulture)}): such scripts are started through the application, which must call VrrpScriptLauncher.RunIfRequested(args) first in Main (vrrpd does); or leave the group out"
            : null;

    internal static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
