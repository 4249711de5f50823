using KlingFunctions.Testing;

namespace KlingFunctions.Tests;

[CollectionDefinition(Name)]
public sealed class UsesAzurite : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
