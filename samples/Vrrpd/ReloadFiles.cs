using Microsoft.Extensions.Logging;

namespace Vrrpd;

/// <summary>
/// keepalived's files around a reload: the <c>reload_check_config</c> log, which gets the problems of the checked
/// configuration, and the <c>reload_file</c>, which exists while that check runs (keepalived 2.2.7 creates it only
/// around the check, and removes a stale one at start).
/// </summary>
internal static class ReloadFiles
{
    private const UnixFileMode ReadableByAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Creates the reload file, rw-r--r-- whatever the umask (keepalived's create_reload_file).</summary>
    public static void Create(string? path, ILogger logger)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            using (File.Create(path))
            {
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, ReadableByAll);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogInformation("Failed to create reload file ({Path}): {Reason}", path, ex.Message);
        }
    }

    /// <summary>Removes the reload file (nothing when it is not there).</summary>
    public static void Remove(string? path)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// Empties the check log and writes a line per problem as keepalived's configuration check writes them:
    /// <c>(FILE: Line N) MESSAGE</c>, or the message alone when it has no line. Created rw-r--r-- less the umask.
    /// </summary>
    public static void WriteCheckLog(string path, IEnumerable<ConfigProblem> problems, ILogger logger)
    {
        try
        {
            if (File.Exists(path) && (File.GetAttributes(path) & FileAttributes.Device) == 0)
            {
                using (new FileStream(path, FileMode.Truncate, FileAccess.Write))
                {
                }
            }

            var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = ReadableByAll;
            }

            using var stream = new FileStream(path, options);
            using var writer = new StreamWriter(stream);
            foreach (var problem in problems)
            {
                writer.WriteLine(problem.Line is { } line
                    ? $"({problem.File}: Line {line.ToString(System.Globalization.CultureInfo.InvariantCulture)}) {problem.Message}"
                    : problem.Message);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Unable to write the config check log {Path}: {Reason}", path, ex.Message);
        }
    }
}
