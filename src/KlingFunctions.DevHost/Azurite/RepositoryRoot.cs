namespace KlingFunctions.DevHost.Azurite;

/// <summary>The checkout this program runs from: the nearest folder above it with package.json.</summary>
internal static class RepositoryRoot
{
    public static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "package.json")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException($"No package.json above {AppContext.BaseDirectory}; cannot find the repository to run Azurite from.");
    }
}
