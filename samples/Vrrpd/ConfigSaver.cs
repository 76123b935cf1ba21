using System.Globalization;
using Microsoft.Extensions.Logging;
using Vrrp.Hosting;

namespace Vrrpd;

/// <summary>
/// keepalived's <c>config_save_dir</c>: the directory (created 0700 less the umask when missing, as keepalived's parent
/// creates it), a copy of the configuration at start and at each reload's read (<c>keepalived.conf.PID.N</c>, N from
/// 0), and the VRRP data dump before and after each reload (<c>keepalived_vrrp.PID.N.pre</c> / <c>.post</c>, N from 1),
/// all readable by the owner only. keepalived's copy is its own stripped and merged form of the files; vrrpd's is the
/// main file as it was read.
/// </summary>
internal sealed class ConfigSaver(ILogger logger)
{
    private int _copies;
    private int _reloads;

    /// <summary>Creates the directory when missing; false (logged as keepalived words it) when it cannot be used.</summary>
    public static bool Prepare(string? directory, ILogger logger)
    {
        if (directory is null)
        {
            return false;
        }

        if (Directory.Exists(directory))
        {
            return true;
        }

        if (File.Exists(directory))
        {
            logger.LogError("config_save_dir {Dir} exists and is not a directory", directory);
            return false;
        }

        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogError("Unable to create config_save_dir {Dir}: {Reason}", directory, ex.Message);
            return false;
        }
    }

    /// <summary>Saves the configuration file as read (keepalived.conf.PID.N).</summary>
    public void SaveConfiguration(string? directory, string file)
    {
        if (!Prepare(directory, logger))
        {
            return;
        }

        try
        {
            Write(Path.Combine(directory!, $"keepalived.conf.{Pid}.{_copies++}"), File.ReadAllText(file));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogInformation("Failed to save the configuration in {Dir}: {Reason}", directory, ex.Message);
        }
    }

    /// <summary>The data dump before (<paramref name="post"/> false: a new reload) or after a reload.</summary>
    public void SaveDump(string? directory, bool post, Func<string> dump)
    {
        if (!Prepare(directory, logger))
        {
            return;
        }

        if (!post)
        {
            _reloads++;
        }

        string path = Path.Combine(directory!, $"keepalived_vrrp.{Pid}.{_reloads.ToString(CultureInfo.InvariantCulture)}.{(post ? "post" : "pre")}");
        try
        {
            Write(path, dump());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogInformation("Failed to open config_save file {Path}: {Reason}", path, ex.Message);
        }
    }

    private static string Pid => Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    private static void Write(string path, string content)
    {
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(System.Text.Encoding.UTF8.GetBytes(content));
    }
}
