using KlingFunctions.Testing;

namespace KlingFunctions.DevHost.Tests;

[CollectionDefinition(Name)]
public sealed class UsesAzurite : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
