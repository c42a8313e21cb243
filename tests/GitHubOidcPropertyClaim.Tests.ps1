#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Get-, Add- and Remove-GitHubOidcPropertyClaim against the fake GitHub: requests sent (request
# log), the objects returned, -WhatIf, errors.

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    Import-TestModule
    Clear-GitHubOidcTestEnvironment
    $script:fake = Start-FakeGitHub
}

AfterAll {
    Stop-FakeGitHub -Fake $script:fake
}

Describe 'OIDC custom-property claims' {
    BeforeEach {
        Reset-FakeGitHub -Fake $script:fake
    }

    It 'lists the inclusions of an organization with their claim keys' {
        $claims = @(Get-GitHubOidcPropertyClaim -Owner custom-org -Context $script:fake.Context())
        $claims.Count | Should -Be 1
        $claims[0].PSObject.TypeNames | Should -Contain 'GitHubOidc.PropertyClaim'
        $claims[0].Name | Should -Be 'workspace_id'
        $claims[0].ClaimKey | Should -Be 'repo_property_workspace_id'
        $claims[0].Source | Should -Be 'organization'
        $claims[0].Owner | Should -Be 'custom-org'
        $get = @(Get-FakeRequests -Fake $script:fake -Method GET)
        $get[0].path | Should -Be '/orgs/custom-org/actions/oidc/customization/properties/repo'
        $get[0].headers.'x-github-api-version' | Should -Be '2026-03-10'
    }

    It 'lists the inclusions of an enterprise' {
        $claims = @(Get-GitHubOidcPropertyClaim -Enterprise octocat-inc -Context $script:fake.Context())
        $claims.Name | Should -Be @('cost_center')
        $claims[0].Source | Should -Be 'enterprise'
        (Get-FakeRequests -Fake $script:fake -Method GET)[0].path | Should -Be '/enterprises/octocat-inc/actions/oidc/customization/properties/repo'
    }

    It 'adds inclusions (also given as repo_property_<name>) with one POST each' {
        $added = @('tier', 'repo_property_region' | Add-GitHubOidcPropertyClaim -Owner octo-org -Context $script:fake.Context() -Confirm:$false)
        $added.ClaimKey | Should -Be @('repo_property_tier', 'repo_property_region')
        $posts = @(Get-FakeRequests -Fake $script:fake -Method POST)
        $posts.Count | Should -Be 2
        $posts[0].path | Should -Be '/orgs/octo-org/actions/oidc/customization/properties/repo'
        $posts[0].raw_body | Should -BeExactly '{"custom_property_name":"tier"}'
        $posts[1].raw_body | Should -BeExactly '{"custom_property_name":"region"}'
        (Get-GitHubOidcPropertyClaim -Owner octo-org -Context $script:fake.Context()).Name | Should -Be @('tier', 'region')
    }

    It 'removes inclusions piped from Get, and -WhatIf sends nothing' {
        Get-GitHubOidcPropertyClaim -Owner custom-org -Context $script:fake.Context() |
            Remove-GitHubOidcPropertyClaim -Context $script:fake.Context() -WhatIf
        @(Get-FakeRequests -Fake $script:fake -Method DELETE).Count | Should -Be 0

        Get-GitHubOidcPropertyClaim -Owner custom-org -Context $script:fake.Context() |
            Remove-GitHubOidcPropertyClaim -Context $script:fake.Context() -Confirm:$false
        $deletes = @(Get-FakeRequests -Fake $script:fake -Method DELETE)
        $deletes.Count | Should -Be 1
        $deletes[0].path | Should -Be '/orgs/custom-org/actions/oidc/customization/properties/repo/workspace_id'
        @(Get-GitHubOidcPropertyClaim -Owner custom-org -Context $script:fake.Context()).Count | Should -Be 0
    }

    It 'reports an existing inclusion as ValidationFailed and a missing one as NotFound' {
        Add-GitHubOidcPropertyClaim -Owner custom-org -Name workspace_id -Context $script:fake.Context() -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failure
        @($failure).Count | Should -Be 1
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.ValidationFailed,*'
        Remove-GitHubOidcPropertyClaim -Owner custom-org -Name nothing_here -Context $script:fake.Context() -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.NotFound,*'
        $failure[0].TargetObject | Should -Be 'nothing_here'
    }

    It 'rejects a bad name before any request, and a read-only token with the permission needed' {
        Add-GitHubOidcPropertyClaim -Owner octo-org -Name 'a/b' -Context $script:fake.Context() -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.InvalidArgument,*'
        @(Get-FakeRequests -Fake $script:fake).Count | Should -Be 0

        Add-GitHubOidcPropertyClaim -Owner octo-org -Name tier -Context $script:fake.Context('test-read-token') -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.Forbidden,*'
        "$($failure[0])" | Should -Match 'admin:org'
    }

    It 'refuses enterprise inclusions on a GitHub Enterprise Server host' {
        { Get-GitHubOidcPropertyClaim -Enterprise acme -Context @{ HostName = 'github.example.com'; Token = 'test-admin-token' } -ErrorAction Stop } |
            Should -Throw -ErrorId 'GitHubOidc.InvalidArgument*'
    }
}
